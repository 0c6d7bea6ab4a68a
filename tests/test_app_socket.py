"""The app's socket under a real Socket.IO client (python-socketio over aiohttp), against the app served by uvicorn on
a loopback port in this process (issue 15, items 1 and 8): a page from another origin cannot open the socket with
the person's login cookie, and editing a sent message does nothing while `edit_message = false`."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid

import chainlit.data
import pytest
import socketio
import uvicorn
from chainlit.auth import create_jwt
from chainlit.config import config
from chainlit.user import User

import app as storyloom  # noqa: F401 (installs the app's routes, socket handlers and middleware)
from agent.session import NO_LLM, ImageModel, Studio
from chatapp import chat
from chatapp.routes import EDITING_OFF
from core.config import Config

SOCKET_PATH = "/ws/socket.io"


@pytest.fixture(scope="module")
def server_url():
    from chainlit.server import app as http_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(http_app, host="127.0.0.1", port=port, lifespan="off", log_level="error"))
    thread = threading.Thread(target=server.run, name="test-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def token(tmp_path, monkeypatch):
    """A logged-in user's token, as the login cookie carries it; no history database (the socket is what counts)."""
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "socket-test-secret-" + "x" * 32)
    studio = Studio(Config(data_dir=tmp_path, password="pw"), image_model=ImageModel(""), llm=NO_LLM)
    monkeypatch.setattr(chat, "STUDIO", studio)
    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    return create_jwt(User(identifier="storyloom", metadata={"provider": "credentials"}))


async def connect(url: str, token: str, origin: str) -> socketio.AsyncClient | None:
    """A socket opened the way the page opens it (login cookie, Chainlit's auth fields), or None when refused."""
    client = socketio.AsyncClient(reconnection=False)
    auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "threadId": None, "userEnv": "{}",
            "chatProfile": None}
    try:
        await client.connect(url, socketio_path=SOCKET_PATH, transports=["websocket"], auth=auth, wait_timeout=5,
                             headers={"Origin": origin, "Cookie": f"access_token={token}"})
    except socketio.exceptions.ConnectionError:
        return None
    return client


def polling_handshake(url: str, token: str, origin: str) -> int:
    """The HTTP status of Engine.IO's first long-polling request (the socket's other way in)."""
    request = urllib.request.Request(f"{url}{SOCKET_PATH}/?EIO=4&transport=polling",
                                     headers={"Origin": origin, "Cookie": f"access_token={token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("origin", ["http://127.0.0.1:9999", "http://evil.example", "null"])
def test_a_page_from_another_origin_cannot_open_the_socket(server_url, token, origin):
    async def scenario():
        client = await connect(server_url, token, origin)
        if client is not None:
            await client.disconnect()
        assert client is None, f"a page at {origin} opened the socket with the person's cookie"

    asyncio.run(asyncio.wait_for(scenario(), 30))
    assert polling_handshake(server_url, token, origin) == 400
    assert polling_handshake(server_url, token, server_url) == 200  # the app's own page still gets in


def test_the_apps_own_page_and_listed_origins_can(server_url, token, monkeypatch):
    async def scenario():
        for origin in (server_url, "http://embedding.example"):
            client = await connect(server_url, token, origin)
            assert client is not None and client.connected, origin
            await client.disconnect()

    monkeypatch.setattr(config.project, "allow_origins", ["http://embedding.example"])
    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_editing_a_sent_message_does_nothing_while_the_feature_is_off(server_url, token, monkeypatch):
    seen: list[str] = []

    async def on_message(message):
        seen.append(message.content if message is not None else None)

    monkeypatch.setattr(config.code, "on_message", on_message)
    assert config.features.edit_message is False  # .chainlit/config.toml

    async def scenario():
        client = await connect(server_url, token, server_url)
        said: list[str] = []
        client.on("new_message", lambda step: said.append(step.get("output", "")))
        sent = {"id": str(uuid.uuid4()), "output": "A fox finds a lantern", "name": "User", "type": "user_message",
                "threadId": "", "createdAt": "2026-01-01T00:00:00Z"}
        await client.emit("client_message", {"message": sent, "fileReferences": None})
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.05)
        assert seen == ["A fox finds a lantern"]
        await client.emit("edit_message", {"message": {**sent, "output": "remove frame 1"}})
        for _ in range(100):
            if EDITING_OFF in said:
                break
            await asyncio.sleep(0.05)
        await client.disconnect()
        assert seen == ["A fox finds a lantern"]  # the edited text never reached the app
        assert EDITING_OFF in said

    asyncio.run(asyncio.wait_for(scenario(), 30))
