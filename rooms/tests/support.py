"""Helpers shared by the room tests and the browser tests."""

import importlib

from django.apps import apps
from django.test import Client


def ensure_roles() -> None:
    """Transactional tests flush the role groups the accounts migration made;
    put them back (the migration's own function, so they are the same)."""
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)


def session_cookie(user) -> str:
    """A signed-in Django session for this person, as its cookie value."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def fresh_channel_layer():
    """A new default channel layer for this test. channels_redis keeps locks
    bound to the event loop that first used them, and every async test (and
    every ASGI server thread) runs its own loop."""
    from channels import DEFAULT_CHANNEL_LAYER
    from channels.layers import channel_layers

    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    channel_layers.set(DEFAULT_CHANNEL_LAYER, layer)
    return layer
