"""Two app servers started from the same repository folder: stopping one leaves the other's chat files alone.

Chainlit deletes `APP_ROOT/.files` when it stops; `python -m chatapp.serve` gives each server its own app root.
"""

from __future__ import annotations

import urllib.request

import pytest
from browser_fixtures import AppServer

pytestmark = pytest.mark.slow  # two real servers start (about 20 s on two cores)


def test_stopping_one_server_keeps_the_other_servers_files(tmp_path):
    roots = tmp_path / "roots"
    roots.mkdir()
    servers = [
        AppServer("app.py", tmp_path / name, tmp_path / f"{name}.log", STORY_IMAGE_MODEL="",
                  STORYLOOM_SERVER_ROOTS=str(roots))
        for name in ("first", "second")
    ]
    try:
        first_root = None
        for server in servers:
            server.start()
            if first_root is None:
                (first_root,) = roots.iterdir()
        assert len(list(roots.iterdir())) == 2  # one app root each
        kept = first_root / ".files" / "some-chat" / "frame-1.png"  # what Chainlit keeps for a live chat
        kept.parent.mkdir(parents=True)
        kept.write_bytes(b"png")
        servers[1].stop()
        assert servers[1].process.returncode is not None
        assert kept.read_bytes() == b"png"  # the first server's files are still there
        assert list(roots.iterdir()) == [first_root]  # the stopped server's root is gone with it
        with urllib.request.urlopen(servers[0].url + "/health", timeout=5) as answer:
            assert answer.status == 200
    finally:
        for server in servers:
            server.stop()
    assert not list(roots.iterdir())
