"""`manage.py serve`: the whole platform in one command (used by `make run`).

Starts the ASGI server (web pages and WebSockets) and a Celery worker with
the beat scheduler embedded, then waits; Ctrl-C stops all of them. Links in
emails, notifications and calendar files point at the address served
(`--host`, `--port`) unless `SITE_URL` is set in the environment.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from core.mediaserver import local_media_servers, primary_ip

# Addresses that mean "every interface": a browser reaches them at 127.0.0.1.
ALL_INTERFACES = {"", "0.0.0.0", "::"}  # noqa: S104


def site_url(*, host: str, port: str | int) -> str:
    """The address a browser on this machine uses for the server."""
    shown = "127.0.0.1" if host in ALL_INTERFACES else host
    if ":" in shown:  # an IPv6 address
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def child_environment(*, host: str, port: str | int, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the web server, worker and beat: the settings each
    child loads read SITE_URL from it, so all of them link to the port served."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("SITE_URL", "").strip():
        env["SITE_URL"] = site_url(host=host, port=port)
    return env


class Command(BaseCommand):
    help = "Serve web pages, WebSockets, the background worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000,
                            help="port to listen on (default 8000); sets SITE_URL unless it is in the environment")
        parser.add_argument("--janus-port", type=int, default=8188,
                            help="Janus's WebSocket API port, when janus is on the PATH (default 8188)")
        parser.add_argument("--turn-port", type=int, default=3478,
                            help="coturn's port, when turnserver is on the PATH (default 3478)")

    def handle(self, *args, host, port, janus_port=8188, turn_port=3478, **options):
        commands = {
            "web": [sys.executable, "-m", "uvicorn", "wellbeing.asgi:application",
                    "--host", host, "--port", str(port), "--lifespan", "off"],
            "worker": [sys.executable, "-m", "celery", "-A", "wellbeing", "worker", "--beat",
                       "--pool", "threads", "--concurrency", "2", "--loglevel", "INFO"],
        }
        env = child_environment(host=host, port=port)
        # Full video where the packages are installed: Janus (and coturn) with
        # a configuration generated under var/, unless JANUS_URLS names others.
        media = None if env.get("JANUS_URLS") else local_media_servers(
            settings.VAR_DIR, janus_port=janus_port, turn_port=turn_port,
            public_host=primary_ip() if host in ALL_INTERFACES else "127.0.0.1")
        if media:
            env.update(media.environment)
            commands = {**media.commands, **commands}
            self.stdout.write(f"Video through {' and '.join(media.commands)}, configured under {settings.VAR_DIR}.")
        else:
            self.stdout.write("Janus is not installed: rooms of up to 12 use browser-to-browser video "
                              "(apt-get install janus coturn for every size).")
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(f"Serving at {site_url(host=host, port=port)}/ — press Ctrl-C to stop.")
        self.stdout.write(f"Links in emails and calendars use {env['SITE_URL']}.")
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} process stopped (exit {child.returncode}).")
                    stopping = True
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
