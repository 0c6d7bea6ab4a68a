"""The app's own HTTP routes on Chainlit's FastAPI server: ``/health`` and the chat-history files at ``/storage``.

Chainlit registers a catch-all route for its UI before app.py is loaded, so ours are moved in front of it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from chainlit.auth import get_current_user, reuseable_oauth
from chainlit.auth.jwt import decode_jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse

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
