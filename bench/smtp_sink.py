"""An SMTP server on loopback that accepts every message and counts them by
Message-ID, so a benchmark can tell duplicates and misses from what arrived.

It shares the bench machine's cores with the worker it measures, so it does
as little as an SMTP server can: one asyncio protocol in a thread of the
bench process that answers the commands `smtplib` sends (EHLO/HELO, MAIL,
RCPT, DATA, RSET, NOOP, QUIT) and finds a message's end and its Message-ID
with a byte search. aiosmtpd, used before, read the message line by line
and cost 1.5-2.2 ms of CPU a message in S4, about half what the worker
spent building and sending it; a mail server in production runs elsewhere.
"""

import asyncio
import re
import threading
import time
from collections import Counter

from bench.common import HOST, free_port

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
END_OF_DATA = b"\r\n.\r\n"  # smtplib ends every message with a line break before the dot
REPLIES = {
    b"EHLO": b"250-" + HOST.encode() + b"\r\n250 8BITMIME\r\n",
    b"HELO": b"250 " + HOST.encode() + b"\r\n",
    b"MAIL": b"250 OK\r\n",
    b"RCPT": b"250 OK\r\n",
    b"RSET": b"250 OK\r\n",
    b"NOOP": b"250 OK\r\n",
    b"DATA": b"354 End data with <CR><LF>.<CR><LF>\r\n",
    b"QUIT": b"221 Bye\r\n",
}


class _Session(asyncio.Protocol):
    """One SMTP connection: commands line by line, then a message up to its end."""

    def __init__(self, sink: "SmtpSink"):
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.counted = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 " + HOST.encode() + b" bench sink\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.buffer and self.transport is not None:
            if self.in_data:
                end = self.buffer.find(END_OF_DATA)
                if end < 0:
                    return
                self._message(self.buffer[: end + 2])
                self.buffer, self.in_data = self.buffer[end + len(END_OF_DATA):], False
                self.transport.write(b"250 OK\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2:]
            self._command(line[:4].upper())

    def _command(self, verb: bytes) -> None:
        self.transport.write(REPLIES.get(verb, b"500 Command not recognised\r\n"))
        if verb == b"DATA":
            self.in_data = True
        elif verb == b"QUIT":
            self.transport.close()
            self.transport = None

    def _message(self, content: bytes) -> None:
        split = content.find(b"\r\n\r\n")
        match = MESSAGE_ID.search(content if split < 0 else content[:split])
        if not self.counted:  # the first message on this connection
            self.counted = True
            self.sink.connections += 1
        self.sink.record(match.group(1).decode("ascii", "replace") if match else "")

    def connection_lost(self, exc) -> None:
        self.transport = None


class SmtpSink:
    """`with SmtpSink() as sink:` then point EMAIL_HOST/EMAIL_PORT at it."""

    def __init__(self):
        self.port = free_port()
        self.ids: Counter[str] = Counter()
        self.received = 0
        self.connections = 0  # SMTP sessions that delivered at least one message
        self.first_at = self.last_at = 0.0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp-sink", daemon=True)
        self._server: asyncio.Server | None = None

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
        self._thread.start()
        serve = self._loop.create_server(lambda: _Session(self), HOST, self.port)
        self._server = asyncio.run_coroutine_threadsafe(serve, self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc) -> None:
        async def stop() -> None:
            self._server.close()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
