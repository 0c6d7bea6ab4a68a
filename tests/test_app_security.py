"""The server refuses cross-origin requests from pages it does not know (another local port, any site)."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient

import app as storyloom  # installs the app's routes and middleware before the first request builds the stack


@pytest.fixture(scope="module")
def client():
    from chainlit.server import app as http_app

    return TestClient(http_app)


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

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "  ")
    with pytest.raises(SystemExit, match="make .env"):
        storyloom.check_auth_secret()
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s3cret")
    storyloom.check_auth_secret()


def test_a_damaged_history_database_is_noticed_at_start(tmp_path):
    import sqlite3


    good = tmp_path / "good.sqlite"
    with sqlite3.connect(good) as db:
        db.execute("CREATE TABLE t (x)")
    check = storyloom.check_history_database
    assert check(good) is None and check(tmp_path / "none") is None
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    assert "cannot be used" in check(bad) or "damaged" in check(bad)


def test_the_page_fetches_nothing_from_the_internet():
    """Chainlit's page links Google Fonts and a KaTeX style sheet on a CDN; the app's page has no remote link."""
    import re

    from chainlit.server import app as http_app
    from chainlit.server import get_html_template

    from chatapp.routes import local_page

    original = get_html_template("")
    assert re.search(r'href="https://', original)  # what the route removes is really there (Chainlit 2.12)
    page = TestClient(http_app).get("/some/chat/page")
    assert page.status_code == 200 and '<div id="root">' in page.text and "/assets/index-" in page.text
    assert not re.search(r"""(href|src)=["']https?://""", page.text), page.text
    assert local_page('<link rel="stylesheet" href="/public/storyloom.css">') != ""  # local links stay


def test_long_messages_arrive_and_stop_is_quiet():
    from chainlit.server import sio

    from chatapp import view

    assert sio.eio.max_http_buffer_size > 4 * view.BOX_MAX_CHARS  # what the box holds arrives, in any script
    assert "over 40,000 characters" in view.check_message("x" * view.BOX_MAX_CHARS, 0)
    assert "4,001 characters" in view.check_message("x" * 4001, 0)
    script = (Path(__file__).parents[1] / "public" / "storyloom.js").read_text()
    assert f"BOX_MAX_CHARS = {view.BOX_MAX_CHARS};" in script  # the page's cap is the one the reply names
    handler = sio.handlers["/"]["stop"]
    assert handler.__module__ == "chatapp.routes"  # not Chainlit's, which posts "Task manually stopped."
