from django.apps import AppConfig


class SchemasAppConfig(AppConfig):
    name = "tests.schemasapp"
    label = "schemasapp"
    default_auto_field = "django.db.models.BigAutoField"
