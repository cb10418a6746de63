"""Random public codes for URLs: a mental-health service's URLs must not be
enumerable, so nothing public carries a sequential id."""

import secrets


def new_code() -> str:
    """12 URL-safe characters, about 72 bits of randomness."""
    return secrets.token_urlsafe(9)
