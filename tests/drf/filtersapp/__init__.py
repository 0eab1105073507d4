"""DRF's ``tests/test_filters.py`` models, as DRF defines them (app label ``drf_filters``)."""
