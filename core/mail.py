"""Embedded-mode email: each message is one .eml file in var/outbox/."""

import re
import threading
from pathlib import Path

from django.conf import settings
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
