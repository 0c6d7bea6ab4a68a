"""The server refuses cross-origin requests from pages it does not know (another local port, any site)."""

import pytest
from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client():
    from chainlit.server import app

    return TestClient(app)


@pytest.mark.parametrize("origin", ["http://127.0.0.1:9999", "http://evil.example"])
def test_a_foreign_origin_cannot_delete_or_read_the_history(client, origin):
    preflight = client.options("/project/thread", headers={
        "Origin": origin, "Access-Control-Request-Method": "DELETE", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers
    read = client.post("/project/threads", json={}, headers={"Origin": origin})
    assert "access-control-allow-origin" not in read.headers  # the browser keeps the answer from that page


def test_the_configured_origins_are_empty():
    from chainlit.config import config

    assert config.project.allow_origins == []


def test_no_start_without_a_login_secret(monkeypatch):
    import app

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "  ")
    with pytest.raises(SystemExit, match="make .env"):
        app.check_auth_secret()
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s3cret")
    app.check_auth_secret()


def test_a_damaged_history_database_is_noticed_at_start(tmp_path):
    import sqlite3

    import app

    good = tmp_path / "good.sqlite"
    with sqlite3.connect(good) as db:
        db.execute("CREATE TABLE t (x)")
    assert app.check_history_database(good) is None and app.check_history_database(tmp_path / "none") is None
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    assert "cannot be used" in app.check_history_database(bad) or "damaged" in app.check_history_database(bad)
