"""The project's settings with a URLconf that adds a hello-world view (the S6
baseline). The channel layer is the project's own switch, CHANNEL_LAYER
(`pubsub` or `core`), which S2 sets per server to compare them."""

from wellbeing.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The manifest storage's collectstatic fails on the vendored NHS.UK CSS (it
# names a source map that is not vendored; see docs/PERFORMANCE.md), so the
# bench serves the same files without hashed names.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
