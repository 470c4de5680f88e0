"""The LTI 1.3 tool's endpoints (mounted at /lti/)."""

from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("continue/<str:token>/", views.continue_launch, name="continue"),
    path("jwks/", views.jwks, name="jwks"),
    path("register/<str:invitation>/", views.register, name="register"),
    path("deep-link/<str:launch_id>/", views.deep_link_response, name="deep-link"),
    path("courses/<str:course_id>/roster/", views.roster_sync, name="roster-sync"),
]
