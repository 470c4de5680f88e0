"""HMAC signatures of provider callbacks: over "<timestamp>.<body>", fresh within 5 minutes."""

import hashlib
import hmac
from datetime import datetime

from proctoring.exceptions import CallbackRejected

MAX_AGE_SECONDS = 300


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(*, secret: str, body: bytes, now: datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {
        "X-Proctoring-Timestamp": timestamp,
        "X-Proctoring-Signature": sign(secret=secret, timestamp=timestamp, body=body),
    }


def verify(*, secret: str, timestamp: str, signature: str, body: bytes, now: datetime) -> None:
    """Raise CallbackRejected unless `signature` is right and `timestamp` is recent."""
    if not secret:
        raise CallbackRejected("not_configured", "This provider has no callback secret.")
    if not timestamp or not signature:
        raise CallbackRejected("missing_signature", "The delivery is not signed.")
    try:
        sent = int(timestamp)
    except ValueError:
        raise CallbackRejected("bad_timestamp", "The timestamp is not a number.") from None
    if abs(now.timestamp() - sent) > MAX_AGE_SECONDS:
        raise CallbackRejected("stale_timestamp", "The timestamp is too old or in the future.")
    expected = sign(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise CallbackRejected("bad_signature", "The signature does not match.")


def check_token(given: str, expected: str) -> None:
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise CallbackRejected("bad_token", "The bearer token is not valid.")
