"""The project's URLs."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from settings.security import relaxed_policy_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher posts here (Django's set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    # The pages' scripts read their strings from here, in the page's language.
    path(
        "jsi18n/",
        cache_page(3600)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("api/v1/", include(("exams.api.urls", "exams-api"), namespace="exams-api")),
    path(
        "api/v1/",
        include(("proctoring.api.urls", "proctoring-api"), namespace="proctoring-api"),
    ),
    path("api/v1/", include(("reports.api.urls", "reports-api"), namespace="reports-api")),
    path("proctoring/", include("proctoring.urls")),
    path("health/", include("health.urls")),
    path("lti/", include("lti.urls")),
    path("", include("reports.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles; only this page allows them.
        relaxed_policy_view(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
            style_src=["'unsafe-inline'"],
        ),
        name="api-docs",
    ),
    path("", include("exams.urls")),
]

handler404 = "exams.rest.handler.not_found"
