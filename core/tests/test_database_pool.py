import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))"


def _pool_setting(**env):
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SNIPPET}"],
        cwd=ROOT, env={**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "wellbeing.settings", **env},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgres_gets_a_connection_pool_when_asked():
    pool = _pool_setting(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", DB_POOL_MAX="20")
    assert "'max_size': 20" in pool


def test_no_pool_unless_asked_or_on_sqlite():
    assert _pool_setting(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", DB_POOL_MAX="0") == "None"
    assert _pool_setting(DATABASE_URL="sqlite:////tmp/x.sqlite3", DB_POOL_MAX="20") == "None"
