"""Email backends: embedded mode's outbox (each message one .eml file in
var/outbox/), and SMTP for production."""

import re
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_lock = threading.Lock()
_counter = 0


class OutboxEmailBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.outbox = Path(file_path or settings.VAR_DIR / "outbox")

    def send_messages(self, email_messages) -> int:
        self.outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            (self.outbox / self._name_for(message)).write_bytes(message.message().as_bytes())
        return len(email_messages)

    @staticmethod
    def _name_for(message) -> str:
        global _counter
        with _lock:
            _counter += 1
            count = _counter
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        to = re.sub(r"[^A-Za-z0-9@.-]", "_", (message.to or ["nobody"])[0])[:60]
        return f"{stamp}-{count:04d}-{to}.eml"


# A plain ASCII addr-spec (RFC 5322 dot-atom @ dot-atom of letters, digits and
# hyphens): what the email package's parser would return unchanged, with no
# defects and no IDNA step. Anything else takes Django's full parse.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


class SmtpEmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, without parsing a plain address through the
    email package's header parser for every message (a fifth of a
    reminder's CPU in bench S4). The same From address is parsed once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepared: dict[tuple[str, bool], str] = {}

    def prep_address(self, address, force_ascii=True) -> str:
        if isinstance(address, str) and _PLAIN_ADDRESS.fullmatch(address):
            return address
        key = (str(address), force_ascii)
        if key not in self._prepared:
            if len(self._prepared) >= 16:  # display-name forms are the From address and a few others
                self._prepared.clear()
            self._prepared[key] = super().prep_address(address, force_ascii=force_ascii)
        return self._prepared[key]
