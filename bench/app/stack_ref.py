"""2. The reference: hand-written async Django Ninja functions, no abstraction."""

from django.shortcuts import aget_object_or_404
from ninja import NinjaAPI, PatchDict, Router, Status

from app.models import Item, Movie
from app.schemas import ItemIn, ItemOut, ItemPage, MovieIn, MovieOut, MoviePage

PAGE_SIZE = 20
router = Router()


@router.get("/items/", response=ItemPage)
async def list_items(request, page: int = 1):
    offset = (max(page, 1) - 1) * PAGE_SIZE
    qs = Item.objects.select_related("category").order_by("id")[offset : offset + PAGE_SIZE]
    items = [item async for item in qs]
    return {"items": items, "count": await Item.objects.acount()}


@router.get("/items/{item_id}/", response=ItemOut)
async def retrieve_item(request, item_id: int):
    return await aget_object_or_404(Item.objects.select_related("category"), pk=item_id)


@router.post("/items/", response={201: ItemOut})
async def create_item(request, payload: ItemIn):
    item = await Item.objects.acreate(**payload.model_dump())
    return Status(201, await Item.objects.select_related("category").aget(pk=item.pk))


@router.patch("/items/{item_id}/", response=ItemOut)
async def partial_update_item(request, item_id: int, payload: PatchDict[ItemIn]):
    item = await aget_object_or_404(Item.objects.select_related("category"), pk=item_id)
    for attr, value in payload.items():
        setattr(item, attr, value)
    if payload:
        await item.asave(update_fields=list(payload))
    if "category_id" in payload:  # the nested category changed: load it
        item = await Item.objects.select_related("category").aget(pk=item.pk)
    return item


# -- the flat resource: no relation, written the way a Ninja user writes it ----------------


@router.get("/movies/", response=MoviePage)
async def list_movies(request, page: int = 1):
    offset = (max(page, 1) - 1) * PAGE_SIZE
    qs = Movie.objects.order_by("id")[offset : offset + PAGE_SIZE]
    return {"items": [movie async for movie in qs], "count": await Movie.objects.acount()}


@router.get("/movies/{movie_id}/", response=MovieOut)
async def retrieve_movie(request, movie_id: int):
    return await aget_object_or_404(Movie, pk=movie_id)


@router.post("/movies/", response={201: MovieOut})
async def create_movie(request, payload: MovieIn):
    return Status(201, await Movie.objects.acreate(**payload.model_dump()))


@router.patch("/movies/{movie_id}/", response=MovieOut)
async def partial_update_movie(request, movie_id: int, payload: PatchDict[MovieIn]):
    movie = await aget_object_or_404(Movie, pk=movie_id)
    for attr, value in payload.items():
        setattr(movie, attr, value)
    if payload:
        await movie.asave(update_fields=list(payload))
    return movie


@router.delete("/movies/{movie_id}/", response={204: None})
async def destroy_movie(request, movie_id: int):
    movie = await aget_object_or_404(Movie, pk=movie_id)
    await movie.adelete()
    return Status(204, None)


api = NinjaAPI(urls_namespace="ref", docs_url=None)
api.add_router("/", router)
