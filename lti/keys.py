"""The tool's key pairs: the newest active one signs (deep-link responses, client assertions);
the JWKS lists it and any key retired less than LTI_KEY_GRACE_SECONDS ago."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

from lti.models import ToolKey


def key_create(*, now: datetime | None = None) -> ToolKey:
    """A new RSA-2048 key pair, active; its kid is the public key's JWK thumbprint."""
    pair = JWK.generate(kty="RSA", size=2048)
    return ToolKey.objects.create(
        kid=pair.thumbprint(),
        private_key=pair.export_to_pem(private_key=True, password=None).decode(),
        public_key=pair.export_to_pem().decode(),
        created=now or timezone.now(),
    )


@transaction.atomic
def key_rotate(*, now: datetime | None = None) -> ToolKey:
    """Retire every active key and make a new one. The retired keys stay in the JWKS for the
    grace period, so platforms that cached them still verify what they signed."""
    now = now or timezone.now()
    ToolKey.objects.select_for_update().filter(retired_at__isnull=True).update(retired_at=now)
    return key_create(now=now)


def signing_key() -> ToolKey:
    """The newest active key; the first one is made on first use."""
    key = ToolKey.objects.filter(retired_at__isnull=True).first()
    return key if key is not None else key_create()


def jwks(*, now: datetime | None = None) -> dict[str, Any]:
    """The tool's public keys: the active ones and those still in their grace period."""
    now = now or timezone.now()
    signing_key()
    since = now - timedelta(seconds=settings.LTI_KEY_GRACE_SECONDS)
    keys = ToolKey.objects.filter(retired_at__isnull=True) | ToolKey.objects.filter(
        retired_at__gt=since
    )
    return {
        "keys": [dict(Registration.get_jwk(key.public_key)) for key in keys.order_by("-created")]
    }
