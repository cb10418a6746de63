import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(then: str = "print('started')", **env):
    """Start Django in a fresh process with this environment, then run `then`."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "CHANNEL_LAYER"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {then}"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "wellbeing.settings", **env},
        capture_output=True, text=True, timeout=60,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _start(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_start_with_a_secret_key():
    result = _start(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="peersupport.example.nhs.uk")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_malformed_boolean_is_a_one_line_explanation():
    result = _start(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    # The test process allows async-unsafe calls for Playwright; production doesn't.
    ignored = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    env = {**clean, "DEBUG": "false", "SECRET_KEY": "k" * 20 + "-production-like-secret-key-value-50+chars",
           "ALLOWED_HOSTS": "peersupport.example.nhs.uk"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_succeeds_with_production_storage(tmp_path):
    """The Dockerfile runs it; the manifest storage refuses broken references."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env = {**clean, "DEBUG": "false", "SECRET_KEY": "build-only", "STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def _layer(**env) -> subprocess.CompletedProcess:
    return _start("from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['BACKEND'])",
                  DEBUG="true", **env)


def test_with_redis_the_channel_layer_is_pub_sub_unless_told_otherwise():
    redis = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert _layer(**redis).stdout.strip() == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert _layer(**redis, CHANNEL_LAYER="core").stdout.strip() == "channels_redis.core.RedisChannelLayer"
    wrong = _layer(**redis, CHANNEL_LAYER="carrier-pigeon")
    assert wrong.returncode != 0
    assert "CHANNEL_LAYER must be one of pubsub, core" in wrong.stderr
    assert _layer(REDIS_URL="").stdout.strip() == "channels.layers.InMemoryChannelLayer"


def test_the_embedded_broker_keeps_every_folder_under_var(tmp_path):
    """kombu's file-system transport writes its exchange tables to ./control
    unless told otherwise: nothing of the broker's lands in the source tree."""
    then = ("from django.conf import settings as s; "
            "print(*sorted(s.CELERY_BROKER_TRANSPORT_OPTIONS[k] for k in "
            "('data_folder_in', 'processed_folder', 'control_folder')))")
    result = _start(then, DEBUG="true", VAR_DIR=str(tmp_path), REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert all(path.startswith(str(tmp_path / "broker")) for path in result.stdout.split())
