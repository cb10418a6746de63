"""A bare ASGI hello-world (no Django): S1 POSTs to it on the same uvicorn
×2, so the Django stack's own cost per request (middleware, session store,
per-request queries) shows as the no-op POST's ratio to it."""


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"12")]})
    await send({"type": "http.response.body", "body": b"Hello, world"})
