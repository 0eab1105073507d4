"""The public surface: what users import is listed, importable and nothing more."""

import ninja_viewsets
from ninja_viewsets import decorators, mixins, permissions, routers, viewsets


def test_exported_members():
    assert ninja_viewsets.__all__ == sorted(ninja_viewsets.__all__)
    assert set(ninja_viewsets.__all__) == {
        "BulkCreateModelMixin",
        "BulkDestroyModelMixin",
        "BulkModelViewSet",
        "BulkUpdateModelMixin",
        "DefaultRouter",
        "FileURL",
        "GenericViewSet",
        "ModelViewSet",
        "ReadOnlyModelViewSet",
        "SimpleRouter",
        "ViewSet",
        "action",
    }
    for name in ninja_viewsets.__all__:
        assert getattr(ninja_viewsets, name) is not None


def test_public_modules():
    assert {
        "ListModelMixin",
        "CreateModelMixin",
        "RetrieveModelMixin",
        "UpdateModelMixin",
        "DestroyModelMixin",
    } <= set(mixins.__all__)
    assert viewsets.ModelViewSet is ninja_viewsets.ModelViewSet
    assert decorators.action is ninja_viewsets.action
    assert routers.DefaultRouter is ninja_viewsets.DefaultRouter
    assert {"BasePermission", "IsAuthenticated", "DjangoObjectPermissions"} <= set(
        permissions.__all__
    )
    for module in (
        "pagination",
        "filters",
        "throttling",
        "testing",
        "exceptions",
        "nesting",
        "generics",
    ):
        assert __import__(f"ninja_viewsets.{module}", fromlist=["__all__"]).__all__
