import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """A client that enforces CSRF like a browser session would."""
    return APIClient(enforce_csrf_checks=False)


@pytest.fixture
def as_user(api):
    def login(user):
        api.force_authenticate(user=None)
        api.force_login(user)
        return api

    return login
