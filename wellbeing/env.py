"""Small typed readers for settings that come from the environment.

Each one fails at start-up with a one-line explanation rather than letting a
malformed value surface later as a confusing error.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_choice(name: str, choices: list[str], default: str) -> str:
    value = env_str(name, default).lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def require_secret_key(debug: bool) -> str:
    """The SECRET_KEY, or a throwaway development key when DEBUG is on."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    if debug:
        return "embedded-mode-insecure-key-do-not-use-in-production"
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (see .env.example)."
    )
