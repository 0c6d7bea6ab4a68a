"""The app's own routes on Chainlit's server: ``/health``, the chat-history files at ``/storage``, HTML pages
without anything fetched from the internet, and the socket's guards and settings (its origin, message editing,
long messages, a quiet Stop).

Chainlit registers a catch-all route for its UI before app.py is loaded, so ours are moved in front of it.
Checked against Chainlit 2.12 (`chainlit/server.py`, `chainlit/socket.py`); tests/test_app_security.py fails when
a newer Chainlit changes what these rely on.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from chainlit.auth import get_current_user, reuseable_oauth
from chainlit.auth.jwt import decode_jwt
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from chatapp.persistence import STORAGE_ROUTE, safe_object_path


def install(http_app: FastAPI, report: Callable[[], dict], files_dir: Callable[[], Path]) -> None:
    """Add the routes to ``http_app``; ``report()`` fills /health, ``files_dir()`` is LocalStorageClient's root."""

    def health(token: Annotated[str | None, Depends(reuseable_oauth)] = None) -> dict:
        """Liveness for anyone ("ok", or "degraded" when something is wrong); the details (model names, paths,
        problems) only to a logged-in user."""
        details = report()
        status = "degraded" if details.get("problems") else "ok"
        try:
            decode_jwt(token) if token else None
        except Exception:
            token = None
        return {"status": status, **details} if token else {"status": status}

    async def stored_file(object_key: str, user: Annotated[object, Depends(get_current_user)]):
        """Element files of the chat history (frame images, exports), only to the user who owns them."""
        if user is None or not object_key.startswith(f"{getattr(user, 'id', '')}/"):
            raise HTTPException(status_code=404, detail="Not found")
        try:
            path = safe_object_path(files_dir(), object_key)
        except ValueError:
            raise HTTPException(status_code=404, detail="Not found") from None
        if not path.is_file():
            raise HTTPException(status_code=404, detail="Not found")
        return FileResponse(path)

    http_app.add_api_route("/health", health, methods=["GET"])
    http_app.add_api_route(STORAGE_ROUTE + "/{object_key:path}", stored_file, methods=["GET"])
    for _ in range(2):
        http_app.router.routes.insert(0, http_app.router.routes.pop())


# <link> tags to other sites in Chainlit's page: Google Fonts (the UI falls back to the system sans-serif) and
# KaTeX's style sheet (only for maths, which stories never show). The app is local: it fetches nothing.
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE)
# Socket.IO drops a message over its buffer (1 MB by default) without a word; a bigger buffer lets an overlong
# paste arrive, so the chat can say it is too long.
MAX_SOCKET_MESSAGE_BYTES = 16 * 1024 * 1024


def local_page(html: str) -> str:
    """Chainlit's UI page without the links that would load files from the internet."""
    return _REMOTE_LINK.sub("", html)


def install_local_page(http_app: FastAPI) -> None:
    """Every HTML page the server sends (Chainlit's UI page, on whatever path) goes through `local_page`."""

    async def local_pages(request: Request, call_next):
        response = await call_next(request)
        if not response.headers.get("content-type", "").startswith("text/html"):
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])
        if response.headers.get("content-encoding") == "gzip":  # Chainlit's GZip middleware sits inside this one
            body = gzip.decompress(body)
        dropped = ("content-length", "content-encoding")
        headers = {key: value for key, value in response.headers.items() if key.lower() not in dropped}
        return HTMLResponse(local_page(body.decode()), status_code=response.status_code, headers=headers)

    http_app.middleware("http")(local_pages)


def own_or_listed_origin(origin: str | None, environ: dict) -> bool:
    """Whether a socket may be opened from a page at `origin`: the app's own (the host the request was sent to,
    also behind a proxy that says so), or one listed in `allow_origins` in `.chainlit/config.toml`."""
    from chainlit.config import config

    listed = list(config.project.allow_origins or [])
    if "*" in listed:
        return True
    host = environ.get("HTTP_HOST", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    own = {f"{scheme}://{host}"}
    if "HTTP_X_FORWARDED_HOST" in environ or "HTTP_X_FORWARDED_PROTO" in environ:
        forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        own.add(f"{forwarded_scheme}://{forwarded_host}")
    return origin in own or origin in listed


EDITING_OFF = "Editing a sent message is turned off here: send the change as a new message instead."


def install_socket_settings(sio) -> None:
    """The socket's own guards and settings.

    * A page from another origin (another local port, any site) cannot open the socket with the person's login
      cookie: Chainlit passes `cors_allowed_origins=[]`, which turns python-engineio's Origin check off; the check
      here lets in the app's own origin and those listed in `allow_origins` only (a client that sends no Origin,
      which no browser page can do, is let in as before).
    * `edit_message` is refused while `edit_message = false` in `.chainlit/config.toml` (Chainlit handles the
      event whatever the setting says).
    * Long messages get in (to be refused with a reason), and Stop is quiet: Chainlit's own Stop handler posts
      "Task manually stopped." before the app can say what was stopped and what was kept.
    """
    from chainlit.config import config
    from chainlit.context import init_ws_context
    from chainlit.message import Message
    from chainlit.session import WebsocketSession

    sio.eio.cors_allowed_origins = own_or_listed_origin
    sio.eio.max_http_buffer_size = MAX_SOCKET_MESSAGE_BYTES
    chainlit_edit_message = sio.handlers["/"]["edit_message"]

    async def edit_message(sid, payload):
        if config.features.edit_message:
            return await chainlit_edit_message(sid, payload)
        if session := WebsocketSession.get(sid):
            init_ws_context(session)
            await Message(content=EDITING_OFF).send()

    sio.on("edit_message", edit_message)

    async def stop(sid):
        if session := WebsocketSession.get(sid):
            init_ws_context(session)
            if session.current_task:
                session.current_task.cancel()
            if config.code.on_stop:
                await config.code.on_stop()

    sio.on("stop", stop)
