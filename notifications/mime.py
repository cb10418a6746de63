"""A notification email's bytes, written directly rather than through the
email package's generator.

Reminder sweeps send hundreds of messages a second; building each one with
`email.message.EmailMessage` parsed and re-folded every header through
`email.headerregistry` (about a third of a message's CPU in bench S4's
profile). A notification is always the same shape (text and HTML
alternatives, perhaps one calendar file, a handful of ASCII headers), so this
writes that shape: 7bit parts where the text is ASCII with short lines,
quoted-printable otherwise, RFC 2047 for a non-ASCII subject. Anything outside
that shape (a non-ASCII address, a line break in a header) returns None and
the caller builds the message the general way, which also validates it.
"""

import binascii
import email
import email.policy
import secrets
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime

MAX_LINE = 998  # RFC 5322 2.1.1


def _safe_header(value: str) -> bool:
    return value.isascii() and "\n" not in value and "\r" not in value


def _subject(subject: str) -> str | None:
    if "\n" in subject or "\r" in subject:
        return None
    if subject.isascii() and len(subject) <= 69:  # "Subject: " + 69 = 78
        return subject
    charset = "us-ascii" if subject.isascii() else "utf-8"
    return Header(subject, charset, header_name="Subject").encode(linesep="\n")


def _body(content_type: str, text: str, *, params: str = "", disposition: str = "") -> str:
    data = text.replace("\r\n", "\n")
    if data.isascii() and all(len(line) <= MAX_LINE for line in data.split("\n")):
        cte, payload = "7bit", data
    else:
        cte, payload = "quoted-printable", binascii.b2a_qp(data.encode(), istext=True).decode("ascii")
    if not payload.endswith("\n"):
        payload += "\n"
    headers = f'Content-Type: {content_type}; charset="utf-8"{params}\nContent-Transfer-Encoding: {cte}\n'
    if disposition:
        headers += f"Content-Disposition: {disposition}\n"
    return f"{headers}\n{payload}"


def _multipart(subtype: str, parts: list[str]) -> tuple[str, str]:
    """(the Content-Type header value, the body) of a multipart of `parts`.
    "=_" never occurs in quoted-printable, and the random part makes a
    clash with 7bit text as likely as guessing it."""
    boundary = f"=_{secrets.token_hex(16)}"
    # The line break before a boundary belongs to it (RFC 2046 5.1.1), hence the extra one.
    body = "".join(f"--{boundary}\n{part}\n" for part in parts) + f"--{boundary}--\n"
    return f'multipart/{subtype}; boundary="{boundary}"', body


def render(*, subject: str, from_email: str, to: list[str], headers: dict[str, str], text: str, html: str,
           calendar: tuple[bytes, str, str] | None) -> str | None:
    """The message with "\\n" line ends, or None if it is not of the simple
    shape (see the module's docstring). `calendar`: (file, method, filename)."""
    encoded_subject = _subject(subject)
    if encoded_subject is None or not all(_safe_header(v) for v in [from_email, *to, *headers.values()]):
        return None
    if not all(name.isascii() and name.replace("-", "").isalnum() for name in headers):
        return None
    alternative = [_body("text/plain", text), _body("text/html", html)]
    content_type, body = _multipart("alternative", alternative)
    if calendar is not None:
        ics, method, filename = calendar
        if not _safe_header(filename) or '"' in filename or not method.isalpha():
            return None
        attachment = _body("text/calendar", ics.decode(), params=f'; method="{method}"',
                           disposition=f'attachment; filename="{filename}"')
        content_type, body = _multipart("mixed", [f"Content-Type: {content_type}\n\n{body}", attachment])
    lines = [
        f"Content-Type: {content_type}",
        "MIME-Version: 1.0",
        f"Subject: {encoded_subject}",
        f"From: {from_email}",
        f"To: {', '.join(to)}",
        f"Date: {format_datetime(datetime.now(UTC))}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return "\n".join(lines) + "\n\n" + body


class RawMessage:
    """What Django's mail backends need of `EmailMessage.message()`: the
    bytes (`as_bytes`, `as_string`). Anything else (a test reading a header
    or walking the parts) is answered by the parsed message."""

    def __init__(self, text: str, policy=email.policy.default):
        self._text = text
        self.policy = policy
        self._parsed = None

    def as_string(self, unixfrom: bool = False, maxheaderlen: int | None = None, policy=None) -> str:
        linesep = (policy or self.policy).linesep
        return self._text if linesep == "\n" else self._text.replace("\n", linesep)

    def as_bytes(self, unixfrom: bool = False, policy=None) -> bytes:
        return self.as_string(policy=policy).encode("ascii")

    def __bytes__(self) -> bytes:
        return self.as_bytes()

    def __str__(self) -> str:
        return self.as_string()

    def _message(self):
        if self._parsed is None:
            self._parsed = email.message_from_string(self._text, policy=self.policy)
        return self._parsed

    def __getitem__(self, name: str):
        return self._message()[name]

    def __contains__(self, name: str) -> bool:
        return name in self._message()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._message(), name)
