"""Startup cost of 100 resources: ``python startup_bench.py {nv|ninja} [N]`` prints one JSON line.

100 distinct models (same 8 fields + FK as app.Item, created at run time, never migrated:
nothing is queried), each with its own output, input and page schemas (as 100 real resources
have; built before the clock starts, for both), are served either by
  nv:    100 ``ModelViewSet`` subclasses registered on one ``DefaultRouter``;
  ninja: 100 hand-written CRUD sets (list with a page of 20, create, retrieve, update,
         partial update, destroy) as ``async def`` functions on one Ninja ``Router``.
Timed: defining the classes / decorating the functions, ``router.register``, then
``NinjaAPI.add_router`` + ``api.urls`` (what Django does at startup), and separately the first
``api.get_openapi_schema()`` (built lazily on the first /docs or /openapi.json request).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproj.settings")
os.environ.setdefault("BENCH_STACKS", "ref")

import django

django.setup()

from app.models import Category  # noqa: E402
from app.schemas import ItemIn, ItemOut  # noqa: E402
from django.db import models  # noqa: E402
from django.shortcuts import aget_object_or_404  # noqa: E402
from ninja import NinjaAPI, PatchDict, Router, Schema, Status  # noqa: E402


def make_models(n: int) -> list[type[models.Model]]:
    result = []
    for i in range(n):
        attrs = {
            "__module__": "app.models",
            "Meta": type("Meta", (), {"app_label": "app", "db_table": f"startup_item_{i}"}),
            "name": models.CharField(max_length=200),
            "sku": models.CharField(max_length=64, unique=True),
            "price": models.DecimalField(max_digits=10, decimal_places=2),
            "quantity": models.IntegerField(default=0),
            "active": models.BooleanField(default=True),
            "created": models.DateTimeField(auto_now_add=True),
            "description": models.TextField(blank=True, default=""),
            "category": models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+"),
        }
        result.append(type(f"StartupItem{i}", (models.Model,), attrs))
    return result


Schemas = tuple[type[Schema], type[Schema], type[Schema]]  # output, input, page


def make_schemas(n: int) -> list[Schemas]:
    result = []
    for i in range(n):
        out = type(f"StartupItem{i}Out", (ItemOut,), {"__module__": __name__})
        in_ = type(f"StartupItem{i}In", (ItemIn,), {"__module__": __name__})
        page = type(
            f"StartupItem{i}Page",
            (Schema,),
            {"__module__": __name__, "__annotations__": {"items": list[out], "count": int}},
        )
        result.append((out, in_, page))
    return result


def bench_nv(model_list: list[type[models.Model]], schemas: list[Schemas]) -> dict[str, float]:
    from ninja_viewsets import DefaultRouter, ModelViewSet
    from ninja_viewsets.pagination import PageNumberPagination

    t0 = time.perf_counter()
    viewsets = [
        type(
            f"StartupItem{i}ViewSet",
            (ModelViewSet,),
            {
                "__module__": __name__,
                "queryset": model.objects.order_by("id"),
                "output_schema": schemas[i][0],
                "input_schema": schemas[i][1],
                "pagination_class": PageNumberPagination,
            },
        )
        for i, model in enumerate(model_list)
    ]
    t1 = time.perf_counter()
    router = DefaultRouter()
    for i, viewset in enumerate(viewsets):
        router.register(f"items{i}", viewset, basename=f"item{i}")
    t2 = time.perf_counter()
    api = NinjaAPI(urls_namespace="startup_nv")
    api.add_router("/", router)
    urls = api.urls
    t3 = time.perf_counter()
    api.get_openapi_schema(path_prefix="/api")
    t4 = time.perf_counter()
    return _timings(t0, t1, t2, t3, t4, urls)


def _crud(router: Router, model: type[models.Model], i: int, schemas: Schemas) -> None:
    """One hand-written CRUD set, as in app/stack_ref.py (plus PUT and DELETE)."""
    qs = model.objects.select_related("category")
    # the annotations below are evaluated here (no `from __future__ import annotations`)
    ItemOut, ItemIn, ItemPage = schemas

    @router.get(f"/items{i}/", response=ItemPage, operation_id=f"list_{i}")
    async def list_items(request, page: int = 1):
        offset = (max(page, 1) - 1) * 20
        items = [x async for x in qs.order_by("id")[offset : offset + 20]]
        return {"items": items, "count": await model.objects.acount()}

    @router.post(f"/items{i}/", response={201: ItemOut}, operation_id=f"create_{i}")
    async def create_item(request, payload: ItemIn):
        item = await model.objects.acreate(**payload.model_dump())
        return Status(201, await qs.aget(pk=item.pk))

    @router.get(f"/items{i}/{{item_id}}/", response=ItemOut, operation_id=f"retrieve_{i}")
    async def retrieve_item(request, item_id: int):
        return await aget_object_or_404(qs, pk=item_id)

    @router.put(f"/items{i}/{{item_id}}/", response=ItemOut, operation_id=f"update_{i}")
    async def update_item(request, item_id: int, payload: ItemIn):
        item = await aget_object_or_404(model, pk=item_id)
        for attr, value in payload.model_dump().items():
            setattr(item, attr, value)
        await item.asave()
        return await qs.aget(pk=item.pk)

    @router.patch(f"/items{i}/{{item_id}}/", response=ItemOut, operation_id=f"patch_{i}")
    async def partial_update_item(request, item_id: int, payload: PatchDict[ItemIn]):
        item = await aget_object_or_404(qs, pk=item_id)
        for attr, value in payload.items():
            setattr(item, attr, value)
        await item.asave(update_fields=list(payload))
        return item

    @router.delete(f"/items{i}/{{item_id}}/", response={204: None}, operation_id=f"delete_{i}")
    async def delete_item(request, item_id: int):
        item = await aget_object_or_404(model, pk=item_id)
        await item.adelete()
        return Status(204, None)


def bench_ninja(model_list: list[type[models.Model]], schemas: list[Schemas]) -> dict[str, float]:
    t0 = time.perf_counter()
    router = Router()
    t1 = time.perf_counter()
    for i, model in enumerate(model_list):
        _crud(router, model, i, schemas[i])
    t2 = time.perf_counter()
    api = NinjaAPI(urls_namespace="startup_ninja")
    api.add_router("/", router)
    urls = api.urls
    t3 = time.perf_counter()
    api.get_openapi_schema(path_prefix="/api")
    t4 = time.perf_counter()
    return _timings(t0, t1, t2, t3, t4, urls)


def _timings(t0: float, t1: float, t2: float, t3: float, t4: float, urls: tuple) -> dict:
    return {
        "define_s": t1 - t0,
        "register_s": t2 - t1,
        "urls_s": t3 - t2,
        "register_plus_urls_s": t3 - t1,
        "total_s": t3 - t0,
        "openapi_s": t4 - t3,
        "url_patterns": len(urls[0]),
    }


def main() -> None:
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    model_list = make_models(n)
    schemas = make_schemas(n)
    result = (bench_nv if kind == "nv" else bench_ninja)(model_list, schemas)
    print(json.dumps({"kind": kind, "n": n, **result}))


if __name__ == "__main__":
    main()
