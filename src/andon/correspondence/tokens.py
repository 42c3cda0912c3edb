"""The secret in a supplier's confirmation link: long, random, and stored only as its hash."""

import hashlib
import re
import secrets

# 32 random bytes: 43 URL-safe characters, beyond guessing however many tries are made.
TOKEN_BYTES = 32
SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """SHA-256 is enough: the token is random, so there is no dictionary to slow down."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Whether a token could be one of ours; anything else is refused without a query."""
    return bool(SHAPE.match(token))
