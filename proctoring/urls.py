"""Pages of the proctoring app (the simulated provider's windows)."""

from django.urls import path

from proctoring.simulated import views as simulated

app_name = "proctoring"

urlpatterns = [
    path("simulated/software/<str:attempt_code>/", simulated.software, name="simulated-software"),
    path(
        "simulated/software/<str:attempt_code>/signal/",
        simulated.software_signal,
        name="simulated-signal",
    ),
    path("simulated/reviewer/", simulated.reviewer, name="simulated-reviewer"),
]
