"""The app's URLs plus /bench/bare/<id>/: a bare Django JSON view that reads one row."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from exams.models import Attempt


def bare(request: HttpRequest, attempt_id: int) -> JsonResponse:
    row = Attempt.objects.filter(pk=attempt_id).values("id", "status", "deadline_at").first()
    return JsonResponse(row or {})


urlpatterns = [
    path("bench/bare/<int:attempt_id>/", bare),
    path("", include("settings.urls")),
]
