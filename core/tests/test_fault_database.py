"""PostgreSQL unreachable: /healthz says so within 3 s and signed-in pages
fail in seconds with the friendly error page, against a real server process
(DEBUG off, a connection pool as deployed) pointed at a database that either
refuses connections or accepts them and never answers."""

import pytest

from core.tests.servers import SilentServer, WebServer, free_port


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


def _unreachable(kind: str):
    if kind == "silent":
        return SilentServer()
    return _Closed()


class _Closed:
    """A port nothing listens on: connections are refused at once."""

    def __enter__(self):
        self.port = free_port()
        return self

    def __exit__(self, *exc):
        pass


@pytest.mark.parametrize("kind", ["silent", "closed"])
def test_with_the_database_unreachable_healthz_answers_503_within_3_seconds_and_pages_fail_fast(
        kind, tmp_path, static_root):
    with _unreachable(kind) as database:
        env = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{database.port}/wellbeing", "DB_POOL_MAX": "20"}
        with WebServer(env=env, log=tmp_path / "web.log", static_root=static_root) as web:
            assert web.get("/")[0] == 200  # the process's first request loads the URLs and templates
            health_status, health_body, health_seconds = web.get("/healthz")
            page_status, page_body, page_seconds = web.get("/my-sessions/", cookies={"sessionid": "x" * 32})
            again_status, _, again_seconds = web.get("/my-sessions/", cookies={"sessionid": "y" * 32})
    assert health_status == 503
    assert "\"database\": \"error: " in health_body
    assert health_seconds < 3, f"/healthz took {health_seconds:.1f} s"
    assert page_status == 500
    assert "Sorry, there is a problem with the service" in page_body
    assert page_seconds < 5, f"the page took {page_seconds:.1f} s"
    assert again_status == 500
    assert again_seconds < 5, f"the next page took {again_seconds:.1f} s"
