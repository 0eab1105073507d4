"""Mount the enabled stacks (settings.STACKS) under /nv/, /ref/, /drf/, /adrf/, /extra/."""

from django.conf import settings
from django.urls import include, path

urlpatterns = []
if "nv" in settings.STACKS:
    from app.stack_nv import api as nv_api

    urlpatterns.append(path("nv/", nv_api.urls))
if "ref" in settings.STACKS:
    from app.stack_ref import api as ref_api

    urlpatterns.append(path("ref/", ref_api.urls))
if "drf" in settings.STACKS:
    from app.stack_drf import router as drf_router

    urlpatterns.append(path("drf/", include(drf_router.urls)))
if "adrf" in settings.STACKS:
    from app.stack_adrf import router as adrf_router

    urlpatterns.append(path("adrf/", include(adrf_router.urls)))
if "extra" in settings.STACKS:
    from app.stack_extra import api as extra_api

    urlpatterns.append(path("extra/", extra_api.urls))
