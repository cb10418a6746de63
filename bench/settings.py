"""The project's settings with two bench-only switches: a URLconf that adds a
hello-world view (the S6 baseline) and the channel layer chosen by
BENCH_CHANNEL_LAYER ("core", the default RedisChannelLayer, or "pubsub")."""

import os

from wellbeing.settings import *  # noqa: F403
from wellbeing.settings import CHANNEL_LAYERS, REDIS_URL

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_CHANNEL_LAYER") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = CHANNEL_LAYERS

# The manifest storage's collectstatic fails on the vendored NHS.UK CSS (it
# names a source map that is not vendored; see docs/PERFORMANCE.md), so the
# bench serves the same files without hashed names.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# BENCH_DB_POOL=N: the fix S1 measures. Under ASGI every concurrent request
# runs its sync view in a thread of its own with its own database connection,
# so a rush opens as many connections as requests; a pool caps them per process.
if os.environ.get("BENCH_DB_POOL"):
    DATABASES = {"default": {**DATABASES["default"], "OPTIONS": {  # noqa: F405
        "pool": {"min_size": 2, "max_size": int(os.environ["BENCH_DB_POOL"]), "timeout": 60}}}}
