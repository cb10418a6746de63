"""/healthz's check of the Janus media servers (registered when JANUS_URLS is set)."""

import asyncio

from asgiref.sync import async_to_sync
from django.conf import settings

from rooms.janus import JanusUnavailable, server_info

TIMEOUT = 2.0


async def _all_answer() -> None:
    urls = list(settings.JANUS_URLS)
    results = await asyncio.wait_for(
        asyncio.gather(*(server_info(url, settings.JANUS_API_SECRET) for url in urls), return_exceptions=True),
        TIMEOUT)
    down = [url for url, result in zip(urls, results, strict=True) if isinstance(result, BaseException)]
    if down:
        raise JanusUnavailable(f"{len(down)} of {len(urls)} media servers unreachable")


def check_media_servers() -> None:
    async_to_sync(_all_answer)()
