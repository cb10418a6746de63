"""Static files under ASGI stream through an asynchronous iterator (read off
the event loop), whole and in ranges; under WSGI they stay WhiteNoise's own."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import AsyncRequestFactory

from core.staticfiles import StaticFilesMiddleware

SCRIPT = "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.js"  # many blocks long
ON_DISK = Path(settings.BASE_DIR) / SCRIPT.removeprefix("/")


async def _body(response) -> bytes:
    return b"".join([chunk async for chunk in response])


@pytest.mark.asyncio
async def test_under_asgi_a_static_file_streams_asynchronously_and_whole(async_client):
    response = await async_client.get(SCRIPT)
    assert response.status_code == 200
    assert response.is_async, "consumed by the ASGI handler without a thread for the whole file"
    body = await _body(response)
    assert len(body) > 4 * response.block_size
    assert body == ON_DISK.read_bytes()
    assert int(response["Content-Length"]) == len(body)
    response.close()


@pytest.mark.asyncio
async def test_under_asgi_a_range_is_streamed_as_asked(async_client):
    response = await async_client.get(SCRIPT, headers={"Range": "bytes=100-5099"})
    assert response.status_code == 206
    assert await _body(response) == ON_DISK.read_bytes()[100:5100]
    response.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("conditional", [False, True], ids=["head", "not_modified"])
async def test_under_asgi_a_response_without_a_body_streams_asynchronously_too(conditional):
    # Straight to the middleware: the test client empties these bodies itself.
    middleware = StaticFilesMiddleware(get_response=None)
    if conditional:
        etag = middleware(AsyncRequestFactory().head(SCRIPT))["ETag"]
        request = AsyncRequestFactory().get(SCRIPT, headers={"If-None-Match": etag})
    else:
        request = AsyncRequestFactory().head(SCRIPT)
    response = middleware(request)
    assert response.status_code == (304 if conditional else 200)
    assert response.is_async
    assert await _body(response) == b""
    response.close()


def test_under_wsgi_the_response_is_whitenoises_own(client):
    response = client.get(SCRIPT)
    assert response.status_code == 200
    assert not response.is_async
    assert b"".join(response.streaming_content) == ON_DISK.read_bytes()
    response.close()
