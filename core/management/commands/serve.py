"""`manage.py serve`: the whole platform in one command (used by `make run`).

Starts the ASGI server (web pages and WebSockets) and a Celery worker with
the beat scheduler embedded, then waits; Ctrl-C stops all of them.
"""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve web pages, WebSockets, the background worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        commands = {
            "web": [sys.executable, "-m", "uvicorn", "wellbeing.asgi:application",
                    "--host", host, "--port", str(port), "--lifespan", "off"],
            "worker": [sys.executable, "-m", "celery", "-A", "wellbeing", "worker", "--beat",
                       "--pool", "threads", "--concurrency", "2", "--loglevel", "INFO"],
        }
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(f"Serving at http://{host}:{port}/ — press Ctrl-C to stop.")
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
