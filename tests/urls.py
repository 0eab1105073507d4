"""Default URLconf; each test module mounts its own API with ``pytest.mark.urls(__name__)``."""

urlpatterns: list = []
