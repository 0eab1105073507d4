"""library/views.py: one viewset per resource."""

from django.contrib.auth import aauthenticate
from ninja.security import HttpBasicAuth

from library.models import Author, Book
from ninja_viewsets import ModelViewSet, action
from ninja_viewsets.permissions import IsAuthenticatedOrReadOnly

from .schemas import AuthorIn, AuthorOut, BookIn, BookOut


class BasicAuth(HttpBasicAuth):
    """`curl -u user:password`; the user it returns becomes `request.user`."""

    async def authenticate(self, request, username, password):
        return await aauthenticate(request, username=username, password=password)


class AuthorViewSet(ModelViewSet):
    queryset = Author.objects.order_by("name")
    output_schema = AuthorOut
    input_schema = AuthorIn
    auth = BasicAuth()
    authentication_required = False  # anonymous requests go on to the permissions
    permission_classes = [IsAuthenticatedOrReadOnly]

    @action(detail=True)
    async def books(self, request, pk: int) -> list[BookOut]:
        """The author's books, oldest first."""
        author = await self.get_object()
        return Book.objects.filter(author=author).order_by("year")


class BookViewSet(ModelViewSet):
    queryset = Book.objects.order_by("title")
    output_schema = BookOut
    input_schema = BookIn
    auth = BasicAuth()
    authentication_required = False
    permission_classes = [IsAuthenticatedOrReadOnly]
    search_fields = ["title", "author__name"]  # ?search=dune
