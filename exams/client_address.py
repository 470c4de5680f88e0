"""The address a request came from, for rate limits and lockouts: `REMOTE_ADDR`, unless the
deployment says how many proxies of its own stand in front (`TRUSTED_PROXY_COUNT`). Headers a
client sends are never trusted beyond that: a rotating `X-Forwarded-For` must not give an
attacker a fresh address per request."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """With N trusted proxies, each appends the address it received from to X-Forwarded-For:
    the client is the N-th entry from the right (what the outermost trusted proxy saw)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(proxies, len(hops))][:64]
