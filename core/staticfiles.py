"""Static files: WhiteNoise, with its file responses streamed the way the
server that asked for them consumes them.

WhiteNoise answers with Django's `FileResponse`, whose content is a
synchronous iterator over the open file. Under ASGI (uvicorn, which serves
every page here) Django can only read such a response by loading the whole
file in a worker thread, and warns each time. Here, under ASGI, the same file
is read in blocks by an asynchronous iterator, each read in a thread of its
own so the event loop never waits on the disk; under WSGI (Django's test
client) the response is WhiteNoise's own, unchanged.
"""

from collections.abc import AsyncIterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpRequest
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import StaticFile


async def _blocks(file: IO[bytes] | None, block_size: int) -> AsyncIterator[bytes]:
    if file is None:  # HEAD, or 304 Not Modified: no body
        return
    read = sync_to_async(file.read, thread_sensitive=False)
    while block := await read(block_size):
        yield block


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    @staticmethod
    def serve(static_file: StaticFile, request: HttpRequest) -> FileResponse:
        response = WhiteNoiseMiddleware.serve(static_file, request)
        if isinstance(request, ASGIRequest):
            # The response still closes the file (Django's handler closes it once sent).
            response.streaming_content = _blocks(response.file_to_stream, response.block_size)
        return response
