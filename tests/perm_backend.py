"""An object-permission backend for the tests: grants ``perm`` on an object listed in GRANTS."""

from typing import Any

GRANTS: set[tuple[int, str, int]] = set()  # (user pk, "app.codename", object pk)


class ObjectPermissionBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        return obj is not None and (user.pk, perm, obj.pk) in GRANTS

    async def ahas_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        return self.has_perm(user, perm, obj)
