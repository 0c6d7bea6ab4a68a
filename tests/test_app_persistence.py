"""Chat history on SQLite with local element files, the login, the HTTP routes, the render queue, the setup
script, and the pure view functions of the chat app."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import chainlit as cl
import chainlit.data
import pytest
from app_fixtures import chainlit_context
from fastapi.testclient import TestClient

import app
from agent.session import NO_LLM, STORYBOARD_NOTICE, TEST_MODEL_NOTICE, ImageModel, Studio, check_language_model
from chatapp import chat, panel, view
from chatapp.persistence import (
    LocalStorageClient,
    check_password,
    create_tables,
    make_data_layer,
    remember_story,
    safe_object_path,
    story_of_thread,
)
from chatapp.render_queue import RenderQueue
from core.config import Config
from core.errors import ModelNotFoundError, StoryError
from core.settings import GenerationSettings
from scripts.init_env import fill_secrets


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


# --- SQLite data layer and local storage ------------------------------------------------------------------


def test_tables_are_created_by_the_app_and_creating_them_again_is_harmless(tmp_path):
    db = tmp_path / "chat" / "history.sqlite"
    create_tables(db)
    create_tables(db)
    names = {row[0] for row in sqlite3.connect(db).execute("select name from sqlite_master where type='table'")}
    assert names == {"users", "threads", "steps", "elements", "feedbacks", "story_threads"}


def test_a_chat_with_its_story_id_and_image_survives_a_new_data_layer(tmp_path):
    """What a restart does: a second data layer over the same files finds the thread, its steps and its image."""
    db, files = tmp_path / "history.sqlite", tmp_path / "files"
    image = tmp_path / "frame.png"
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 10, 10)).save(image)

    async def write():
        layer = make_data_layer(db, files)
        user = await layer.create_user(cl.User(identifier="storyloom"))
        async with chainlit_context(thread_id="t-1", user=user):
            await layer.update_thread("t-1", name="A fox", user_id=user.id, tags=["Storyloom"])  # the profile
            await layer.update_thread("t-1", metadata={"story_id": "old"})
            await remember_story(layer, "t-1", "abc123")
            message = cl.Message(content="**Frame 1**")
            await layer.create_step(message.to_dict())
            element = cl.Image(path=str(image), name="frame-1.png", display="inline", for_id=message.id)
            element.thread_id = "t-1"
            await layer.create_element(element)
        await layer.close()
        return user

    async def read(user):
        layer = make_data_layer(db, files)
        thread = await layer.get_thread("t-1")
        thread["story"] = await story_of_thread(layer, "t-1")
        thread["no_story"] = await story_of_thread(layer, "t-2")
        threads = await layer.list_threads(
            cl.types.Pagination(first=10), cl.types.ThreadFilter(userId=user.id)
        )
        await layer.close()
        return thread, threads

    user = run(write())
    thread, threads = run(read(user))
    assert (thread["story"], thread["no_story"]) == ("abc123", None)
    assert app.story_id_of(thread["metadata"]) == "old"
    assert thread["name"] == "A fox" and [t["id"] for t in threads.data] == ["t-1"]
    assert thread["steps"][0]["output"] == "**Frame 1**"
    (element,) = thread["elements"]
    assert element["url"] == f"/storage/{user.id}/{element['id']}/frame-1.png"
    assert (files / user.id / element["id"] / "frame-1.png").read_bytes() == image.read_bytes()


def test_storage_keys_cannot_escape_the_storage_folder(tmp_path):
    assert safe_object_path(tmp_path, "u/e/a.png") == (tmp_path / "u/e/a.png").resolve()
    for key in ("../secret", "u/../../x", "/etc/passwd", ""):
        with pytest.raises(ValueError):
            safe_object_path(tmp_path, key)
    client = LocalStorageClient(tmp_path)
    assert run(client.delete_file("../outside")) is False
    stored = run(client.upload_file("u/e/a.txt", "hi"))
    assert stored == {"object_key": "u/e/a.txt", "url": "/storage/u/e/a.txt"}
    assert run(client.get_read_url("u/e/a.txt")) == "/storage/u/e/a.txt"


# --- login and HTTP routes -----------------------------------------------------------------------------


def test_password_check():
    assert check_password("storyloom", "pw", "storyloom", "pw")
    assert not check_password("storyloom", "PW", "storyloom", "pw")
    assert not check_password("other", "pw", "storyloom", "pw")
    assert not check_password("storyloom", "", "storyloom", "")  # no password configured: nobody gets in


def test_login_callback_reads_the_password_from_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("STORY_USERNAME", "ann")
    monkeypatch.setenv("STORY_PASSWORD", "s3cret")
    monkeypatch.setattr(chat, "STUDIO", Studio(Config.from_env(env_file=None), image_model=ImageModel(""), llm=NO_LLM))
    assert app.login("ann", "s3cret").identifier == "ann"
    assert app.login("ann", "wrong") is None
    monkeypatch.setattr(chat, "STUDIO", Studio(Config(username="ann"), image_model=ImageModel(""), llm=NO_LLM))
    assert app.login("ann", "") is None


@pytest.fixture()
def http(tmp_path, monkeypatch):
    """The app's FastAPI server (no lifespan) over a temp history database, with a logged-in user's cookie."""
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "x" * 48)
    config = Config(data_dir=tmp_path, chat_dir=tmp_path)
    monkeypatch.setattr(chat, "STUDIO", Studio(config, image_model=ImageModel(""), llm=NO_LLM))
    layer = make_data_layer(tmp_path / "history.sqlite", tmp_path / "files")
    monkeypatch.setattr(chainlit.data, "_data_layer", layer)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    user = run(layer.create_user(cl.User(identifier="storyloom")))
    from chainlit.auth import create_jwt

    client = TestClient(app.http_app)
    client.cookies.set("access_token", create_jwt(cl.User(identifier="storyloom")))
    return client, user, tmp_path / "files"


def test_health_answers_with_the_app_state(http):
    client, _, _ = http
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["render_queue"] == 0
    assert set(body) == {"status", "models_checked", "render_queue", "image_model", "problems"}
    client.cookies.clear()  # without a login: liveness only, no model names or paths
    assert client.get("/health").json() == {"status": "ok"}


def test_stored_files_are_served_only_to_their_owner(http):
    client, user, files = http
    (files / user.id / "e1").mkdir(parents=True)
    (files / user.id / "e1" / "frame.png").write_bytes(b"png")
    (files / "someone-else" / "e2").mkdir(parents=True)
    (files / "someone-else" / "e2" / "frame.png").write_bytes(b"png")
    assert client.get(f"/storage/{user.id}/e1/frame.png").content == b"png"
    assert client.get("/storage/someone-else/e2/frame.png").status_code == 404
    assert client.get(f"/storage/{user.id}/e1/missing.png").status_code == 404
    client.cookies.clear()
    assert client.get(f"/storage/{user.id}/e1/frame.png").status_code == 401


# --- models and start-up notices -------------------------------------------------------------------------


def test_image_model_loads_once_and_a_broken_one_falls_back_to_storyboard_cards():
    loads = []
    good = ImageModel("tiny", loader=lambda name: loads.append(name) or "generator")
    assert good.get() == "generator" and good.get() == "generator" and loads == ["tiny"]

    def missing(name):
        raise ModelNotFoundError(f"No SDXL model at {name}.")

    broken = ImageModel("/nowhere", loader=missing)
    assert broken.get() is None
    assert "No SDXL model at /nowhere." in broken.problem and "storyboard cards" in broken.problem

    def corrupt(name):
        raise OSError("safetensors header is corrupt")

    assert ImageModel("/bad", loader=corrupt).get() is None
    assert ImageModel("").get() is None


def test_language_model_check_turns_failures_into_advice():
    class Broken:
        def complete(self, messages, max_tokens):
            raise RuntimeError("bad magic")

    def missing():
        raise StoryError("STORY_LLM_GGUF points at /x.gguf, which is not a file.")

    assert "STORY_LLM_GGUF" in check_language_model(lambda: Broken())
    assert "not a file" in check_language_model(missing)

    class Fine:
        def complete(self, messages, max_tokens):
            return "OK"

    assert check_language_model(lambda: Fine()) is None


def test_notices_say_once_what_is_wrong(tmp_path):
    storyboard = Studio(Config(data_dir=tmp_path), image_model=ImageModel(""), llm=NO_LLM)
    assert storyboard.notices() == [STORYBOARD_NOTICE]
    configured = Studio(Config(data_dir=tmp_path), image_model=ImageModel("sdxl", loader=lambda n: object()))
    assert configured.notices() == []
    configured.problems.append("The language model is not usable: bad GGUF")
    assert configured.notices() == ["The language model is not usable: bad GGUF"]
    tiny = Studio(Config(data_dir=tmp_path), image_model=ImageModel("tiny", loader=lambda n: object()))
    assert tiny.notices() == [TEST_MODEL_NOTICE]  # the first screen says the pictures are random-weight tests


# --- the render queue ---------------------------------------------------------------------------------


def test_queue_runs_jobs_one_at_a_time_in_arrival_order_and_reports_places():
    queue = RenderQueue()
    running, order, places = [], [], {}

    def job(name):
        def work():
            running.append(name)
            assert len(running) == 1
            time.sleep(0.05)
            order.append(name)
            running.remove(name)
            return name

        return work

    async def waiter(name, delay):
        await asyncio.sleep(delay)

        async def place(n):
            places.setdefault(name, []).append(n)

        return await queue.run(job(name), on_position=place)

    async def scenario():
        return await asyncio.gather(waiter("a", 0), waiter("b", 0.01), waiter("c", 0.02))

    assert run(scenario()) == ["a", "b", "c"]
    assert order == ["a", "b", "c"]
    assert places == {"b": [1], "c": [2, 1]}
    assert queue.length == 0


def test_a_cancelled_waiter_leaves_the_line_and_a_cancelled_runner_keeps_the_turn_until_its_thread_ends():
    queue = RenderQueue()
    release = threading.Event()

    async def scenario():
        first = asyncio.ensure_future(queue.run(release.wait))
        await asyncio.sleep(0.02)
        second = asyncio.ensure_future(queue.run(lambda: "second"))
        await asyncio.sleep(0.02)
        second.cancel()  # Stop while waiting
        await asyncio.gather(second, return_exceptions=True)
        assert queue._waiting == [0]
        first.cancel()  # Stop while running: the thread is still inside release.wait()
        await asyncio.gather(first, return_exceptions=True)
        assert queue.length == 1
        release.set()
        third = await queue.run(lambda: "third")
        assert third == "third" and queue.length == 0

    run(scenario())


# --- setup script and pure view functions ---------------------------------------------------------------


def test_init_env_fills_empty_secrets_and_keeps_existing_ones():
    text, filled = fill_secrets("STORY_USERNAME=me\nSTORY_PASSWORD=\nCHAINLIT_AUTH_SECRET=\n")
    assert filled == ["CHAINLIT_AUTH_SECRET", "STORY_PASSWORD"]
    values = dict(line.split("=", 1) for line in text.splitlines())
    assert len(values["CHAINLIT_AUTH_SECRET"]) >= 48 and len(values["STORY_PASSWORD"]) >= 12
    again, filled_again = fill_secrets(text)
    assert again == text and filled_again == []
    _, added = fill_secrets("STORY_USERNAME=me\n")
    assert added == ["CHAINLIT_AUTH_SECRET", "STORY_PASSWORD"]


def test_init_env_writes_a_private_env_file_once(tmp_path):
    from scripts.init_env import main

    example = tmp_path / ".env.example"
    example.write_text("STORY_PASSWORD=\nCHAINLIT_AUTH_SECRET=\n")
    env = tmp_path / ".env"
    assert main(["--env", str(env), "--example", str(example)]) == 0
    first = env.read_text()
    assert oct(env.stat().st_mode & 0o777) == "0o600" and "STORY_PASSWORD=\n" not in first
    assert main(["--env", str(env), "--example", str(example)]) == 0
    assert env.read_text() == first


def test_check_message_limits():
    assert view.check_message("a fox", 0) is None
    assert view.check_message("x" * view.MAX_MESSAGE_CHARS, 0) is None
    assert "4,001 characters" in view.check_message("x" * (view.MAX_MESSAGE_CHARS + 1), 0)
    assert view.check_message("a fox", 2) is None  # text wins; the files are mentioned by the handler


def test_settings_round_trip_and_changes():
    values = panel.settings_values("comic", 5, GenerationSettings(seed=3, width=512, height=512, guidance=6.5))
    assert values["size"] == "512x512" and values["seed"] == "3" and values["guidance"] == 6.5
    assert panel.settings_changes(values, values) == {}
    changed = {**values, "size": panel.SIZE_DEFAULT, "guidance": 0, "steps": 20.0, "svr": "svr-eot"}
    assert panel.settings_changes(changed, values) == {
        "width": None, "height": None, "guidance": None, "steps": 20, "svr": "svr-eot",
    }
    assert panel.settings_changes({**values, "negative_prompt": None}, values) == {}  # an emptied text box
    with pytest.raises(ValueError, match="whole number"):
        panel.settings_changes({**values, "seed": "1.5"}, values)
    widgets = [widget for tab in panel.settings_widgets(values) for widget in tab.inputs]
    assert {w.id: w.initial for w in widgets}["size"] == "512x512"


def test_frames_phrase_and_labels():
    assert view.frames_phrase([]) == "no frame"
    assert view.frames_phrase([1]) == "frame 2"
    assert view.frames_phrase([0, 2, 3]) == "frames 1, 3 and 4"
    assert view.frame_label(0, "Hello", True) == "**Frame 1** 🔒 — Hello"
    assert view.task_title(1, "x" * 60, "step 2/4").endswith("… (step 2/4)")


def test_the_schema_takes_every_write_of_the_pinned_chainlit_data_layer(tmp_path):
    """Users, threads (with tags), steps, elements, feedback, and deletes: nothing refused by the SQLite schema."""
    import chainlit
    from chainlit.types import Feedback

    assert chainlit.__version__ == "2.12.0", "new Chainlit: check chatapp/persistence.SQLITE_SCHEMA, then this pin"
    db, files = tmp_path / "history.sqlite", tmp_path / "files"

    async def every_write():
        layer = make_data_layer(db, files)
        user = await layer.create_user(cl.User(identifier="storyloom"))
        async with chainlit_context(thread_id="t-9", user=user):
            await layer.update_thread("t-9", name="A fox", user_id=user.id, metadata={"a": 1}, tags=["Storyloom"])
            message = cl.Message(content="hello")
            await layer.create_step(message.to_dict())
            await layer.update_step({**message.to_dict(), "output": "hello again"})
            rating = Feedback(forId=message.id, threadId="t-9", value=1, comment="nice")
            feedback_id = await layer.upsert_feedback(rating)
            thread = await layer.get_thread("t-9")
            assert await layer.delete_feedback(feedback_id)
            await layer.delete_step(message.id)
            await layer.delete_thread("t-9")
            gone = await layer.get_thread("t-9")
        await layer.close()
        return thread, gone

    thread, gone = run(every_write())
    assert thread["name"] == "A fox" and thread["steps"][0]["output"] == "hello again"
    assert thread["steps"][0]["feedback"]["comment"] == "nice"
    assert gone is None
