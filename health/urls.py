"""URLs of the health checks (mounted at /health/)."""

from django.urls import path

from health import views

app_name = "health"

urlpatterns = [path("sweeps/", views.sweeps, name="sweeps")]
