"""URLs of the proctoring API (mounted at /api/v1/)."""

from django.urls import path

from proctoring.api import views

urlpatterns = [
    path("proctoring/<str:provider>/callback/", views.CallbackApi.as_view(), name="callback"),
]
