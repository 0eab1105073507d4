from django.contrib import admin

from library.models import Author, Book, Review, Tag

admin.site.register([Author, Book, Review, Tag])
