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
