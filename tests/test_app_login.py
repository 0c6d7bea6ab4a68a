"""The login and the history over HTTP, through the whole server stack (Chainlit's routes and the app's middleware,
in one event loop through httpx's ASGI transport): repeated failures are slowed down, tokens end with a password
change or a logout, a sign-in with an unusable history database says why, a rename is cleaned and limited, and a
megabyte message is stored clipped (issue 15, items 6, 7, 9, 12 and 16)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from pathlib import Path

import chainlit.data
import httpx
import pytest
from app_fixtures import chainlit_context

import app
from agent.session import NO_LLM, ImageModel, Studio
from chatapp import chat, login
from chatapp.persistence import MAX_CHAT_NAME, make_data_layer
from core.config import Config

ROOT_SECRET = "login-test-secret-" + "y" * 32
TRANSLATIONS = Path(__file__).resolve().parents[1] / ".chainlit" / "translations"


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server(tmp_path, monkeypatch):
    """The app with the login ann / one, a fresh failure count on a clock the test moves, and no data layer."""
    monkeypatch.setenv(login.SECRET_VARIABLE, ROOT_SECRET)
    use_credentials(monkeypatch, tmp_path, "ann", "one")
    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    clock = Clock()
    monkeypatch.setattr(app.FAILED_LOGINS, "_failures", {})
    monkeypatch.setattr(app.FAILED_LOGINS, "clock", clock)
    return clock


def use_credentials(monkeypatch, folder: Path, username: str, password: str) -> None:
    """What a (re)start with these credentials in .env does: a new studio, and the token key installed."""
    config = Config(data_dir=folder / "stories", chat_dir=folder / "chat", username=username, password=password)
    monkeypatch.setattr(chat, "STUDIO", Studio(config, image_model=ImageModel(""), llm=NO_LLM))
    monkeypatch.setenv(login.SECRET_VARIABLE, ROOT_SECRET)  # the secret in .env, before the app derives its own
    monkeypatch.setattr(app, "TOKEN_KEY", None)
    app.token_key().install()


def http(address: str = "127.0.0.1") -> httpx.AsyncClient:
    from chainlit.server import app as http_app

    transport = httpx.ASGITransport(app=http_app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/login", data={"username": username, "password": password})


def token_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.cookies["access_token"]


async def user_status(token: str) -> int:
    async with http() as client:
        return (await client.get("/user", headers={"Authorization": f"Bearer {token}"})).status_code


def run(scenario):
    return asyncio.run(asyncio.wait_for(scenario(), 30))


def test_wrong_passwords_are_slowed_down_per_address_and_per_user_name(server):
    async def scenario():
        async with http() as client:
            statuses = [(await sign_in(client, "ann", f"guess-{i}")).status_code for i in range(300)]
            assert statuses == [401] * login.FREE_FAILURES + [429] * (300 - login.FREE_FAILURES)
            waiting = await sign_in(client, "ann", "one")  # even the right password waits its turn
            assert waiting.status_code == 429 and waiting.json()["detail"] == login.TOO_MANY
            assert int(waiting.headers["Retry-After"]) >= 1
        async with http("10.0.0.9") as elsewhere:  # the same user name from another address waits too
            assert (await sign_in(elsewhere, "ann", "one")).status_code == 429
            assert (await sign_in(elsewhere, "bob", "x")).status_code == 401  # another name from there does not
        server.now += login.MAX_WAIT
        async with http() as client:
            assert (await sign_in(client, "ann", "one")).status_code == 200  # and a success starts afresh
            assert (await sign_in(client, "ann", "typo")).status_code == 401

    run(scenario)
    assert "Wait a minute" in login_error("en-US", login.TOO_MANY) and login_error("zh-CN", login.TOO_MANY)


def test_a_token_ends_with_a_new_password_or_user_name_and_with_a_logout(server, monkeypatch, tmp_path):
    async def scenario():
        async with http() as client:
            first = token_of(await sign_in(client, "ann", "one"))
        assert await user_status(first) == 200
        use_credentials(monkeypatch, tmp_path, "ann", "one")  # a restart with the same .env: still signed in
        assert await user_status(first) == 200
        use_credentials(monkeypatch, tmp_path, "ann", "two")  # a restart with a new password
        assert await user_status(first) == 401
        async with http() as client:
            second = token_of(await sign_in(client, "ann", "two"))
        use_credentials(monkeypatch, tmp_path, "anna", "two")  # a new user name
        assert await user_status(second) == 401
        async with http() as client:
            third = token_of(await sign_in(client, "anna", "two"))
            client.cookies.clear()
            assert await user_status(third) == 200
            out = await client.post("/logout", headers={"Authorization": f"Bearer {third}"})
            assert out.status_code == 200
        assert await user_status(third) == 401  # the token of the browser that logged out, or a copy of it
        async with http() as client:
            assert await user_status(token_of(await sign_in(client, "anna", "two"))) == 200

    run(scenario)


def test_a_history_file_that_is_not_sqlite_is_named_on_the_login_page(server, tmp_path, monkeypatch):
    history = tmp_path / "chat" / "history.sqlite"
    history.parent.mkdir(parents=True, exist_ok=True)
    history.write_bytes(b"these are my notes, not a database\n" * 200)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", False)  # the app's data layer, as on a server

    async def scenario():
        async with http() as client:
            answer = await sign_in(client, "ann", "one")
        assert answer.status_code == 503 and answer.json()["detail"] == login.HISTORY_UNUSABLE

    run(scenario)
    for language in ("en-US", "zh-CN"):  # what the login page shows for that answer
        assert "history.sqlite" in login_error(language, login.HISTORY_UNUSABLE)
    assert "Move that file aside and restart" in login_error("en-US", login.HISTORY_UNUSABLE)


def login_error(language: str, key: str) -> str:
    return json.loads((TRANSLATIONS / f"{language}.json").read_text())["auth"]["login"]["errors"][key]


def test_a_rename_through_the_history_route_is_cleaned_and_limited(server, tmp_path, monkeypatch):
    layer = make_data_layer(tmp_path / "history.sqlite", tmp_path / "files")
    monkeypatch.setattr(chainlit.data, "_data_layer", layer)
    thread = str(uuid.uuid4())

    async def scenario():
        async with http() as client:
            token = token_of(await sign_in(client, "ann", "one"))
            user = await layer.get_user("ann")
            await layer.update_thread(thread, name="A fox", user_id=user.id)
            renamed = {"threadId": thread, "name": "\u202eevil\x00" + "x" * 1_000_000}
            answer = await client.put("/project/thread", json=renamed, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200
        await layer.engine.dispose()

    run(scenario)
    (name,) = sqlite3.connect(tmp_path / "history.sqlite").execute(
        'SELECT "name" FROM threads WHERE "id" = ?', (thread,)).fetchone()
    assert len(name) == MAX_CHAT_NAME and name.startswith("evilxxx") and name.endswith("…")


def test_a_megabyte_message_is_stored_clipped_and_says_so(server, tmp_path, monkeypatch):
    layer = make_data_layer(tmp_path / "history.sqlite", tmp_path / "files")
    monkeypatch.setattr(chainlit.data, "_data_layer", layer)
    pasted = "a fox " * 200_000  # 1.2 MB: the app refuses it with a reason

    async def scenario():
        async with chainlit_context(thread_id=str(uuid.uuid4())) as (recorder, context):
            context.session.has_first_interaction = False  # the chat's first message names it
            step = {"id": str(uuid.uuid4()), "output": pasted, "name": "User", "type": "user_message",
                    "threadId": context.session.thread_id, "createdAt": "2026-01-01T00:00:00Z"}
            message = await context.emitter.process_message({"message": step, "fileReferences": None})
            await app.on_message(message)
            for _ in range(100):  # Chainlit stores the message and names the chat in background tasks
                await asyncio.sleep(0.02)
                rows = await layer.execute_sql('SELECT "output" FROM steps WHERE "id" = :id', {"id": step["id"]})
                named = await layer.execute_sql('SELECT "name" FROM threads WHERE "name" IS NOT NULL', {})
                if rows and named:
                    break
            assert "I take at most 4,000" in recorder.text()
        await layer.engine.dispose()
        return context.session.thread_id

    thread = run(scenario)
    db = sqlite3.connect(tmp_path / "history.sqlite")
    (stored,) = db.execute('SELECT "output" FROM steps WHERE "type" = ?', ("user_message",)).fetchone()
    assert stored.startswith("a fox a fox") and len(stored) < 4200 and "clipped" in stored and "1,200,000" in stored
    (name,) = db.execute('SELECT "name" FROM threads WHERE "id" = ?', (thread,)).fetchone()
    assert len(name) == MAX_CHAT_NAME and name.startswith("a fox a fox")
