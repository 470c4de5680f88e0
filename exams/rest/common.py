"""Small helpers shared by the API views."""

from django.contrib.auth.models import User
from rest_framework.request import Request

from exams.exceptions import NotFound


def request_user(request: Request) -> User:
    """The signed-in user (every API view requires authentication)."""
    if not request.user.is_authenticated:
        raise NotFound()
    return request.user
