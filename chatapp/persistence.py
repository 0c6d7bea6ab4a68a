"""Chat history that survives a restart: Chainlit's SQLAlchemy data layer on a local SQLite file,
element files (frame images) on local disk, and the local password login that history requires.

Chainlit ships the SQL only for PostgreSQL and no local storage client, so both are here:
``create_tables`` writes the SQLite schema (idempotent), ``LocalStorageClient`` keeps uploaded
element bytes under one folder and serves them back at ``/storage/<object key>``.
"""

from __future__ import annotations

import hmac
import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from chainlit.data.storage_clients.base import BaseStorageClient

from core.story import MAX_IDEA_CHARS
from core.text import clean_text, clip_text

log = logging.getLogger(__name__)

STORAGE_ROUTE = "/storage"
MAX_CHAT_NAME = 200  # characters of a chat's name in the history (Chainlit itself sets no limit)

# Mirrors the tables of Chainlit 2.12.0's SQLAlchemyDataLayer (the keys of StepDict, ElementDict, Feedback; pinned
# in pyproject.toml). SQLite stores the JSON columns as TEXT, which the data layer expects ("SQLite returns JSON as
# string"). tests/test_app_persistence.py runs every write the data layer makes against it, and fails on a new
# Chainlit version until this schema is checked again.
SQLITE_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS users (
        "id" TEXT PRIMARY KEY,
        "identifier" TEXT NOT NULL UNIQUE,
        "metadata" TEXT NOT NULL,
        "createdAt" TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS threads (
        "id" TEXT PRIMARY KEY,
        "createdAt" TEXT,
        "name" TEXT,
        "userId" TEXT,
        "userIdentifier" TEXT,
        "tags" TEXT,
        "metadata" TEXT,
        FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS steps (
        "id" TEXT PRIMARY KEY,
        "name" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "threadId" TEXT NOT NULL,
        "parentId" TEXT,
        "streaming" BOOLEAN NOT NULL,
        "waitForAnswer" BOOLEAN,
        "isError" BOOLEAN,
        "metadata" TEXT,
        "tags" TEXT,
        "input" TEXT,
        "output" TEXT,
        "createdAt" TEXT,
        "command" TEXT,
        "modes" TEXT,
        "start" TEXT,
        "end" TEXT,
        "generation" TEXT,
        "showInput" TEXT,
        "language" TEXT,
        "indent" INT,
        "defaultOpen" BOOLEAN,
        "autoCollapse" BOOLEAN,
        "icon" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS elements (
        "id" TEXT PRIMARY KEY,
        "threadId" TEXT,
        "type" TEXT,
        "url" TEXT,
        "chainlitKey" TEXT,
        "name" TEXT NOT NULL,
        "display" TEXT,
        "objectKey" TEXT,
        "size" TEXT,
        "page" INT,
        "language" TEXT,
        "forId" TEXT,
        "mime" TEXT,
        "props" TEXT,
        "autoPlay" BOOLEAN,
        "playerConfig" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    # Ours: which story a chat shows. Not in the thread's metadata, which Chainlit rewrites whole from
    # concurrent read-modify-write calls (its first-message update can erase a key written just after).
    """CREATE TABLE IF NOT EXISTS story_threads (
        "threadId" TEXT PRIMARY KEY,
        "storyId" TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS feedbacks (
        "id" TEXT PRIMARY KEY,
        "forId" TEXT NOT NULL,
        "threadId" TEXT NOT NULL,
        "value" INT NOT NULL,
        "comment" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
]


def create_tables(db_path: Path) -> None:
    """Create the chat-history tables in the SQLite file ``db_path`` if they are missing.

    Synchronous on purpose: Chainlit builds its data layer from a sync hook, before any request.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path) as connection:
        for statement in SQLITE_SCHEMA:
            connection.execute(statement)


def check_history_database(path: Path, *, thorough: bool = True) -> str | None:
    """Why the chat-history database cannot be used (corrupt, unreadable, read-only, not SQLite at all), or None.

    `thorough` reads every page (at start); otherwise only the schema is read (at each sign-in).
    """
    if not path.exists():
        return None
    check = "PRAGMA quick_check" if thorough else "SELECT 'ok' FROM sqlite_master LIMIT 1"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True)) as db:
            row = db.execute(check).fetchone()
    except sqlite3.Error as error:
        return f"The chat history database {path} cannot be used ({error}); move it aside and restart."
    if row is not None and row[0] != "ok":
        return f"The chat history database {path} is damaged ({row[0]}); move it aside and restart."
    return None


def make_data_layer(db_path: Path, files_dir: Path):
    """The SQLAlchemy data layer over ``db_path`` (tables created here) with element files in ``files_dir``."""
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

    class SQLiteDataLayer(SQLAlchemyDataLayer):
        """SQLAlchemyDataLayer binds a thread's tags as a list, which PostgreSQL stores and SQLite refuses (so the
        whole thread would go unsaved). Chainlit tags a thread with its chat profile; Storyloom has one profile
        and reads no tags, so they are not stored.

        What a person typed is stored as the app took it: a chat name (the first message, or a rename through
        `PUT /project/thread`) cleaned and at most `MAX_CHAT_NAME` characters, a message cleaned and clipped to
        what the app accepts, with a note saying so."""

        async def update_thread(self, thread_id, name=None, user_id=None, metadata=None, tags=None):
            return await super().update_thread(thread_id, name=chat_name(name), user_id=user_id, metadata=metadata)

        async def create_step(self, step_dict):
            return await super().create_step(stored_step(step_dict))

    create_tables(db_path)
    return SQLiteDataLayer(
        conninfo=f"sqlite+aiosqlite:///{db_path}",
        storage_provider=LocalStorageClient(files_dir),
    )


def chat_name(name: str | None) -> str | None:
    """A chat's name as stored: one line, cleaned, at most `MAX_CHAT_NAME` characters (None: unchanged)."""
    if name is None:
        return None
    name = " ".join(clean_text(str(name)).split())
    return (name[: MAX_CHAT_NAME - 1] + "…" if len(name) > MAX_CHAT_NAME else name) or "Untitled chat"


def stored_step(step: dict) -> dict:
    """A step as stored: a person's message cleaned and clipped to what the app accepts (the reply says the
    message was too long; the history keeps its beginning and says it was clipped)."""
    if step.get("type") != "user_message" or not isinstance(step.get("output"), str):
        return step
    text = clip_text(clean_text(step["output"], multiline=True), MAX_IDEA_CHARS, "message")
    return {**step, "output": text}


async def remember_story(layer, thread_id: str, story_id: str) -> None:
    """Record that chat ``thread_id`` shows story ``story_id`` (``layer``: the SQLAlchemy data layer)."""
    await layer.execute_sql(
        'INSERT INTO story_threads ("threadId", "storyId") VALUES (:thread, :story) '
        'ON CONFLICT ("threadId") DO UPDATE SET "storyId" = excluded."storyId"',
        {"thread": thread_id, "story": story_id},
    )


async def forget_story(layer, thread_id: str, story_id: str) -> None:
    """Chat ``thread_id`` no longer shows ``story_id`` (its first plan failed and the story was removed)."""
    await layer.execute_sql('DELETE FROM story_threads WHERE "threadId" = :thread AND "storyId" = :story',
                            {"thread": thread_id, "story": story_id})


async def story_of_thread(layer, thread_id: str) -> str | None:
    """The story id recorded for chat ``thread_id``, or None."""
    query = 'SELECT "storyId" FROM story_threads WHERE "threadId" = :thread'
    rows = await layer.execute_sql(query, {"thread": thread_id})
    return rows[0]["storyId"] if isinstance(rows, list) and rows else None


async def last_story(layer, user_identifier: str, other_than: str) -> tuple[str, str] | None:
    """(chat id, story id) of the person's most recently active chat with a story, other than chat `other_than`."""
    query = (
        'SELECT s."threadId" AS thread, s."storyId" AS story FROM story_threads s '
        'JOIN threads t ON t."id" = s."threadId" '
        'WHERE t."userIdentifier" = :user AND s."threadId" != :other '
        'ORDER BY COALESCE((SELECT MAX(p."createdAt") FROM steps p WHERE p."threadId" = t."id"), t."createdAt") DESC '
        "LIMIT 1"
    )
    rows = await layer.execute_sql(query, {"user": user_identifier, "other": other_than})
    return (rows[0]["thread"], rows[0]["story"]) if isinstance(rows, list) and rows else None


def safe_object_path(root: Path, object_key: str) -> Path:
    """The file for ``object_key`` under ``root``; raises ValueError for keys that escape ``root``."""
    root = root.resolve()
    path = (root / object_key).resolve()
    if path == root or root not in path.parents:
        raise ValueError(f"object key outside the storage folder: {object_key!r}")
    return path


class LocalStorageClient(BaseStorageClient):
    """Element bytes on local disk; read back through the app's ``/storage/<object key>`` route.

    Object keys are ``<user id>/<element id>/<name>`` (set by SQLAlchemyDataLayer), so the route can
    check that a file belongs to the logged-in user.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    async def upload_file(
        self,
        object_key: str,
        data: bytes | str,
        mime: str = "application/octet-stream",
        overwrite: bool = True,
        content_disposition: str | None = None,
    ) -> dict[str, Any]:
        path = safe_object_path(self.root, object_key)
        if path.exists() and not overwrite:
            return {"object_key": object_key, "url": self.url_for(object_key)}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return {"object_key": object_key, "url": self.url_for(object_key)}

    async def delete_file(self, object_key: str) -> bool:
        try:
            safe_object_path(self.root, object_key).unlink(missing_ok=True)
        except ValueError:
            return False
        return True

    async def get_read_url(self, object_key: str) -> str:
        return self.url_for(object_key)

    async def close(self) -> None:
        return None

    @staticmethod
    def url_for(object_key: str) -> str:
        return f"{STORAGE_ROUTE}/{object_key}"


def check_password(username: str, password: str, expected_username: str, expected_password: str) -> bool:
    """Constant-time check of one local login; an empty expected password never matches."""
    if not expected_password:
        return False
    user_ok = hmac.compare_digest(username.encode("utf-8"), expected_username.encode("utf-8"))
    password_ok = hmac.compare_digest(password.encode("utf-8"), expected_password.encode("utf-8"))
    return user_ok and password_ok
