"""The simulated vendor's server side: sends signed callbacks over HTTP, exactly as a real
vendor would, to the app's callback endpoint.

What the software window or the reviewer desk asks for is queued (`queue`) and sent by the
worker (`send`), never inside the request that asked: a vendor's callbacks come from its own
servers, and a request that waited for this same server to answer it would hold one of its
threads for as long.
"""

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.broker import enqueue
from proctoring import signing
from proctoring.exceptions import ProviderUnavailable
from proctoring.providers import get_provider

PROVIDER = "simulated"


def callback_url(base_url: str) -> str:
    configured = getattr(settings, "SIMULATED_PROVIDER_CALLBACK_BASE_URL", "")
    return (configured or base_url).rstrip("/") + reverse(
        "proctoring-api:callback", args=[PROVIDER]
    )


def queue(*, base_url: str, attempt_code: str, event: str, **fields: Any) -> bool:
    """Queue one callback for the worker to send; False when the broker cannot be reached.

    Its delivery id and moment are fixed now, so a send retried after a lost answer is the
    same delivery (the app applies it once) and says when the event happened."""
    payload = {
        "delivery_id": uuid.uuid4().hex,
        "event": event,
        "attempt_code": attempt_code,
        "occurred_at": timezone.now().isoformat(),
        **fields,
    }
    return enqueue(
        "proctoring.simulated_send", base_url, payload, what=f"simulated {event} for {attempt_code}"
    )


def send(*, base_url: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST one signed callback; return the app's JSON answer. Raises ProviderUnavailable."""
    now = timezone.now()
    body = json.dumps(payload).encode()
    secret = str(get_provider(PROVIDER).options.get("SECRET", ""))
    headers = {
        "Content-Type": "application/json",
        **signing.signed_headers(secret=secret, body=body, now=now),
    }
    request = urllib.request.Request(
        callback_url(base_url), data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as error:
        raise ProviderUnavailable(
            _("callback refused: HTTP %(status)s") % {"status": error.code}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ProviderUnavailable(_("callback failed: %(error)s") % {"error": error}) from None
