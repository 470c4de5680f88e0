"""Response headers that browsers enforce: the Content-Security-Policy of every page."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _policy(extra: dict[str, list[str]] | None = None) -> str:
    """settings.CONTENT_SECURITY_POLICY as a header, with `extra` sources added."""
    directives = {k: list(v) for k, v in settings.CONTENT_SECURITY_POLICY.items()}
    for directive, sources in (extra or {}).items():
        current = directives.setdefault(directive.replace("_", "-"), [])
        if current == ["'none'"]:
            current.clear()  # 'none' allows nothing; the extra sources replace it
        current.extend(sources)
    return "; ".join(f"{d} {' '.join(s)}" for d, s in directives.items())


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every response that has none yet.

    The pages use no inline script or style, so the policy allows only this site's own files.
    Under the paths of settings.CONTENT_SECURITY_POLICY_PATH_EXTRAS (the Django admin, whose
    widgets set inline styles) the policy gets the extra sources named there; scripts stay
    this site's own everywhere. A view may name extra sources for its own response in
    `response.csp_extra` (an LTI launch page posting back to the platform, or shown in its
    frame).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = _policy()
        self.by_path = [
            (prefix, _policy(extra))
            for prefix, extra in getattr(
                settings, "CONTENT_SECURITY_POLICY_PATH_EXTRAS", {}
            ).items()
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        extra = getattr(response, "csp_extra", None)
        if extra:
            response.headers.setdefault("Content-Security-Policy", _policy(extra))
            return response
        policy = next((p for prefix, p in self.by_path if request.path.startswith(prefix)), None)
        response.headers.setdefault("Content-Security-Policy", policy or self.policy)
        return response


def relaxed_policy_view(
    view: Callable[..., HttpResponse], **extra: list[str]
) -> Callable[..., HttpResponse]:
    """Wrap a third-party view whose page needs more than the site policy allows (the API docs'
    Swagger UI applies inline styles): its responses get the policy plus `extra` sources."""
    policy = _policy(extra)

    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = policy
        return response

    return wrapped
