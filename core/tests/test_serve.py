"""`manage.py serve`: the processes it starts link to the port they serve."""

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from core.management.commands import serve

ROOT = Path(__file__).resolve().parents[2]


class FinishedChild:
    """Stands in for a started process that has already exited, so the
    command's wait loop ends at once; it records what it was started with."""

    started: list[tuple[list[str], dict]] = []
    returncode = 0

    def __init__(self, cmd, env=None):
        FinishedChild.started.append((cmd, env))

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


def test_the_children_get_the_address_of_the_port_served():
    env = serve.child_environment(host="127.0.0.1", port="8100", environ={"PATH": "/bin"})
    assert env["SITE_URL"] == "http://127.0.0.1:8100"
    assert env["PATH"] == "/bin"


def test_a_site_url_given_in_the_environment_wins():
    given = {"SITE_URL": "https://peersupport.example.nhs.uk"}
    assert serve.child_environment(host="127.0.0.1", port="8100", environ=given)["SITE_URL"] == given["SITE_URL"]


def test_a_blank_site_url_counts_as_not_given():
    env = serve.child_environment(host="localhost", port=9000, environ={"SITE_URL": " "})
    assert env["SITE_URL"] == "http://localhost:9000"


def test_serving_on_every_interface_links_to_this_machine():
    assert serve.site_url(host="0.0.0.0", port="8100")  # noqa: S104 == "http://127.0.0.1:8100"
    assert serve.site_url(host="::1", port="8100") == "http://[::1]:8100"


def test_the_web_server_worker_and_beat_all_start_with_that_address(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(serve.subprocess, "Popen", FinishedChild)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: signal.SIG_DFL)
    monkeypatch.setattr(FinishedChild, "started", [])
    out = io.StringIO()
    call_command("serve", "--port", "8100", stdout=out, stderr=io.StringIO())
    commands = [" ".join(cmd) for cmd, _ in FinishedChild.started]
    assert any("uvicorn" in c and "--port 8100" in c for c in commands)
    assert any("celery" in c and "--beat" in c for c in commands)  # the worker runs beat too
    assert {env["SITE_URL"] for _, env in FinishedChild.started} == {"http://127.0.0.1:8100"}
    assert "Links in emails and calendars use http://127.0.0.1:8100." in out.getvalue()


def test_a_child_started_with_that_environment_links_to_the_port():
    environ = {**os.environ, "SITE_URL": "", "DJANGO_SETTINGS_MODULE": "wellbeing.settings"}
    env = serve.child_environment(host="127.0.0.1", port="8100", environ=environ)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from notifications import links; "
                               "print(links.absolute('/sessions/x/'))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8100/sessions/x/"


def test_with_janus_installed_serve_starts_it_and_tells_the_web_server(monkeypatch, tmp_path, settings):
    import shutil

    if shutil.which("janus") is None:
        import pytest

        pytest.skip("janus is not installed (apt-get install janus; .ci/run does)")
    monkeypatch.delenv("JANUS_URLS", raising=False)
    monkeypatch.setattr(serve.subprocess, "Popen", FinishedChild)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: signal.SIG_DFL)
    monkeypatch.setattr(FinishedChild, "started", [])
    settings.VAR_DIR = tmp_path
    call_command("serve", "--port", "8100", "--janus-port", "18188", stdout=io.StringIO(), stderr=io.StringIO())
    commands = {cmd[0].rsplit("/", 1)[-1]: (cmd, env) for cmd, env in FinishedChild.started}
    assert "janus" in commands
    web_env = next(env for cmd, env in FinishedChild.started if "uvicorn" in cmd)
    assert web_env["JANUS_URLS"] == "ws://127.0.0.1:18188"
    assert web_env["JANUS_ADMIN_KEY"]
    config = (tmp_path / "janus" / "janus.jcfg").read_text()
    assert web_env["JANUS_API_SECRET"] in config
    assert "18188" in (tmp_path / "janus" / "janus.transport.websockets.jcfg").read_text()
