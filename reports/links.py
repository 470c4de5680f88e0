"""Signed download links: bound to one user and one report, valid for five minutes.

Links are stateless (nothing is stored per link): the signature carries the report, the user
and the expiry, so an expired or forged link needs no cleanup.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing

SALT = "reports.download"


class LinkInvalid(Exception):
    """Forged, tampered or malformed."""


class LinkExpired(Exception):
    """Authentic, but older than its lifetime."""


@dataclass(frozen=True)
class LinkClaim:
    job_id: int
    user_id: int


def make_token(*, job_id: int, user_id: int, now: datetime) -> str:
    expires = now + timedelta(seconds=settings.REPORTS_LINK_MAX_AGE_SECONDS)
    return signing.dumps({"j": job_id, "u": user_id, "e": int(expires.timestamp())}, salt=SALT)


def read_token(token: str, *, now: datetime) -> LinkClaim:
    """Check a token's signature and age; raise LinkInvalid or LinkExpired."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise LinkInvalid() from None
    if not isinstance(data, dict) or not {"j", "u", "e"} <= set(data):
        raise LinkInvalid()
    if now.timestamp() > data["e"]:
        raise LinkExpired()
    return LinkClaim(job_id=int(data["j"]), user_id=int(data["u"]))
