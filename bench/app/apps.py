from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    name = "app"
    default_auto_field = "django.db.models.BigAutoField"
