"""Response headers that browsers enforce: the Content-Security-Policy of every page."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every response that has none yet.

    The pages use no inline script or style, so the policy allows only this site's own files.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def relaxed_policy_view(
    view: Callable[..., HttpResponse], **extra: list[str]
) -> Callable[..., HttpResponse]:
    """Wrap a third-party view whose page needs more than the site policy allows (the API docs'
    Swagger UI applies inline styles): its responses get the policy plus `extra` sources."""
    directives = {k: list(v) for k, v in settings.CONTENT_SECURITY_POLICY.items()}
    for directive, sources in extra.items():
        directives.setdefault(directive.replace("_", "-"), []).extend(sources)
    policy = "; ".join(f"{d} {' '.join(s)}" for d, s in directives.items())

    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = policy
        return response

    return wrapped
