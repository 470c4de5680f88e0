"""Fixtures for the admin tests: a test client signed in as support staff."""

import pytest
from django.test import Client


@pytest.fixture
def support_client(client: Client, support) -> Client:
    client.force_login(support)
    return client
