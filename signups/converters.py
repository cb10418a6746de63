"""Public codes and feed tokens are URL-safe base64 (core.codes, secrets):
anything else cannot name a thing, so it is a 404 before any query (a NUL
byte would otherwise be a database error on PostgreSQL)."""


class CodeConverter:
    regex = r"[-A-Za-z0-9_]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
