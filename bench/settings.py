"""The project's settings with two bench-only switches: a URLconf that adds a
hello-world view (the S6 baseline) and the channel layer chosen by
BENCH_CHANNEL_LAYER ("core" for RedisChannelLayer, "pubsub" for
RedisPubSubChannelLayer; unset, the project's own choice)."""

import os

from wellbeing.settings import *  # noqa: F403
from wellbeing.settings import CHANNEL_LAYERS, REDIS_URL

ROOT_URLCONF = "bench.urls"

# BENCH_CHANNEL_LAYER=core|pubsub measures one channel layer against the other;
# unset, the project's own choice (CHANNEL_LAYER in wellbeing/settings.py).
_LAYERS = {"core": "channels_redis.core.RedisChannelLayer",
           "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer"}
if os.environ.get("BENCH_CHANNEL_LAYER") in _LAYERS:
    CHANNEL_LAYERS = {"default": {"BACKEND": _LAYERS[os.environ["BENCH_CHANNEL_LAYER"]],
                                  "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    CHANNEL_LAYERS = CHANNEL_LAYERS

# The manifest storage's collectstatic fails on the vendored NHS.UK CSS (it
# names a source map that is not vendored; see docs/PERFORMANCE.md), so the
# bench serves the same files without hashed names.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
