"""An SMTP server on loopback that accepts every message and counts them by
Message-ID, so a benchmark can tell duplicates and misses from what arrived.

`aiosmtpd` runs its own event loop in a thread of the bench process; the
handler only finds the Message-ID header, so the sink costs little next to
the sender.
"""

import re
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

from bench.common import HOST, free_port

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        content = envelope.content
        headers = content[: content.find(b"\r\n\r\n")] if b"\r\n\r\n" in content else content
        match = MESSAGE_ID.search(headers)
        if not getattr(session, "bench_counted", False):  # the first message on this connection
            session.bench_counted = True
            self.sink.connections += 1
        self.sink.record(match.group(1).decode("ascii", "replace") if match else "")
        return "250 OK"


class SmtpSink:
    """`with SmtpSink() as sink:` then point EMAIL_HOST/EMAIL_PORT at it."""

    def __init__(self):
        self.port = free_port()
        self.ids: Counter[str] = Counter()
        self.received = 0
        self.connections = 0  # SMTP sessions that delivered at least one message
        self.first_at = self.last_at = 0.0
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname=HOST, port=self.port, ready_timeout=10)

    def record(self, message_id: str) -> None:
        now = time.monotonic()
        with self._lock:
            self.ids[message_id] += 1
            self.received += 1
            self.first_at = self.first_at or now
            self.last_at = now

    @property
    def duplicates(self) -> int:
        """Messages beyond the first with the same Message-ID."""
        with self._lock:
            return sum(n - 1 for n in self.ids.values() if n > 1)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()
