"""No Docker engine runs here, so check that docker-compose.yml only refers to
things that exist in the project."""

import importlib
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def _services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _import(path: str):
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def test_compose_has_the_production_services():
    assert {"postgres", "redis", "web", "worker", "beat", "janus", "coturn"} <= set(_services())


def test_the_web_service_serves_the_asgi_application():
    command = _services()["web"]["command"]
    assert command[0] == "uvicorn"
    assert callable(_import(command[1]))


def test_worker_and_beat_use_the_celery_app():
    from celery import Celery

    for name, verb in [("worker", "worker"), ("beat", "beat")]:
        command = _services()[name]["command"]
        assert command[:4] == ["celery", "-A", "wellbeing", verb]
        assert isinstance(importlib.import_module(command[2]).celery_app, Celery)


def test_manage_py_commands_in_compose_exist():
    for service in _services().values():
        command = service.get("command") or []
        if command[:2] == ["python", "manage.py"]:
            assert command[2] in get_commands(), command


def test_app_services_build_this_project_with_its_dockerfile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert "wellbeing.asgi:application" in dockerfile
    for name in ("web", "worker", "beat", "migrate"):
        assert _services()[name]["build"] == "."


def test_every_setting_in_env_example_is_read_by_settings():
    settings_source = "".join((ROOT / "wellbeing" / name).read_text() for name in ("settings.py", "env.py"))
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.lstrip("# ")
        if "=" in line and line.split("=")[0].isupper():
            name = line.split("=")[0]
            # read by docker-compose.yml (the database's and the media servers' containers)
            if name not in {"POSTGRES_PASSWORD", "JANUS_PUBLIC_IP", "JANUS_PRIVATE_IP", "TURN_PUBLIC_IP",
                            "JANUS_STUN_SERVER", "JANUS_TURN_REST_API"}:
                assert f'"{name}"' in settings_source, name
