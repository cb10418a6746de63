"""Random public codes for URLs: a mental-health service's URLs must not be
enumerable, so nothing public carries a sequential id.

Anything not shaped like a code cannot name a thing, so it is refused before
any query: the URL converters answer 404 and `is_public_code` guards the
places a code arrives another way (a WebSocket path, a message field). A NUL
byte would otherwise be a database error on PostgreSQL.
"""

import re
import secrets

CODE_PATTERN = r"[A-Za-z0-9_-]{1,16}"  # new_code() gives 12 of these
LONG_CODE_PATTERN = r"[A-Za-z0-9_-]{1,64}"  # longer secrets, e.g. calendar feed tokens
_CODE = re.compile(CODE_PATTERN)


def new_code() -> str:
    """12 URL-safe characters, about 72 bits of randomness."""
    return secrets.token_urlsafe(9)


def is_public_code(value: object) -> bool:
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


class CodeConverter:
    """`<code:name>` in a URL pattern: a public code, or 404."""

    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter(CodeConverter):
    """`<token:name>`: a longer URL-safe secret, or 404."""

    regex = LONG_CODE_PATTERN
