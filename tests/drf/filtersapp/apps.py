from django.apps import AppConfig


class DrfFiltersConfig(AppConfig):
    name = "tests.drf.filtersapp"
    label = "drf_filters"
    default_auto_field = "django.db.models.AutoField"  # DRF's tests use AutoField ids
