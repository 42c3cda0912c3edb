"""What a plant sets about its letters, read when used so a test or a deployment can change it.

Each value comes from Django settings when set there, else from its `ANDON_*` environment
variable; a value that is not a whole number stops the caller with a message naming it.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LINK_DAYS = "ANDON_SUPPLIER_LINK_DAYS"
TOLERANCE_DAYS = "ANDON_CUSTOMER_DATE_TOLERANCE_DAYS"
NOTIFY_ON_PUBLISH = "ANDON_NOTIFY_CUSTOMERS_ON_PUBLISH"


def _setting(name: str) -> str | None:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return None if value is None else str(value).strip()


def _whole(name: str, default: int, minimum: int) -> int:
    raw = _setting(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return value


def link_days() -> int:
    """How long a supplier's confirmation link works (default 30 days)."""
    return _whole(LINK_DAYS, 30, 1)


def tolerance_days() -> int:
    """How far a projected delivery date may move before the customer is told (default 1 day)."""
    return _whole(TOLERANCE_DAYS, 1, 0)


def notify_on_publish() -> bool:
    """Whether publishing a schedule tells customers of moved dates (default yes)."""
    raw = (_setting(NOTIFY_ON_PUBLISH) or "yes").lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{NOTIFY_ON_PUBLISH}={raw!r} is not a boolean")


def plant_name() -> str:
    """The name letters are signed with (`ANDON_PLANT_NAME`)."""
    return _setting("ANDON_PLANT_NAME") or "Andon"


def plant_address() -> str:
    return _setting("ANDON_PLANT_ADDRESS") or ""


def base_url() -> str:
    """Where suppliers reach this Andon (`ANDON_BASE_URL`); links in letters start with it."""
    return (_setting("ANDON_BASE_URL") or "").rstrip("/")
