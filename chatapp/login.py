"""The local login's guards.

* **Repeated failures are slowed down**, per client address and per user name: after `FREE_FAILURES` wrong
  passwords each further try waits twice as long as the last (up to `MAX_WAIT` seconds); meanwhile even the right
  password is answered "wait", so guessing gets a handful of tries a minute instead of hundreds a second.
* **Tokens are bound to the current credentials.** Chainlit signs its login tokens with `CHAINLIT_AUTH_SECRET`,
  read from the environment at each use; the app replaces that value by one derived from the secret in `.env`,
  the current user name and password, and a key kept beside the chat history (`.login-key`). A new password or
  user name (after a restart), or a logout (which replaces the key), ends every earlier login.
* **A sign-in while the history database is unusable** (damaged, not SQLite) is answered on the login page with
  what is wrong and what to do, instead of an error 500 with no reason.

The login page shows an error by its key in `.chainlit/translations/*.json` (`auth.login.errors.<key>`), so the
answers here are those keys: `tooManyAttempts` and `historyUnusable`. The form itself looks the key up by the
answer's status text ("Unauthorized", "Too Many Requests", "Service Unavailable"), which have keys too; a wrong
password is answered in words (Chainlit's own "credentialssignin" would show as is in the page's notice).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

SECRET_VARIABLE = "CHAINLIT_AUTH_SECRET"
KEY_FILE = ".login-key"
FREE_FAILURES = 5  # wrong passwords before the waiting starts (typos happen)
MAX_WAIT = 60.0  # seconds: the longest wait, so the real user is never locked out for long
TOO_MANY, HISTORY_UNUSABLE = "tooManyAttempts", "historyUnusable"  # translation keys of the login page
WRONG_LOGIN = "Wrong user name or password."


class FailedLogins:
    """Failed sign-ins per key (("address", "1.2.3.4"), ("user", "ann")) and how long each key must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}  # key -> (failures in a row, time of last)

    def wait(self, *keys: tuple[str, str]) -> float:
        """Seconds until every one of `keys` may try again (0: now)."""
        now, longest = self.clock(), 0.0
        for key in keys:
            count, last = self._failures.get(key, (0, now))
            if count >= FREE_FAILURES:
                longest = max(longest, last + min(2.0 ** (count - FREE_FAILURES + 1), MAX_WAIT) - now)
        return max(longest, 0.0)

    def failed(self, *keys: tuple[str, str]) -> None:
        now = self.clock()
        if len(self._failures) > 10_000:  # a flood of made-up names: forget those quiet for an hour
            self._failures = {k: v for k, v in self._failures.items() if now - v[1] < 3600}
        for key in keys:
            count, _ = self._failures.get(key, (0, now))
            self._failures[key] = (count + 1, now)

    def succeeded(self, *keys: tuple[str, str]) -> None:
        for key in keys:
            self._failures.pop(key, None)


class TokenKey:
    """The login tokens' signing secret: `.env`'s secret bound to the credentials and to a key a logout renews."""

    def __init__(self, root_secret: str, username: str, password: str, folder: Path):
        self.root_secret, self.username, self.password = root_secret, username, password
        self.path = Path(folder) / KEY_FILE

    def install(self) -> None:
        """Sign and check tokens with the current credentials and key from now on."""
        os.environ[SECRET_VARIABLE] = self._derive(self._key())

    def renew(self) -> None:
        """End every login so far (a logout): a new key, so no earlier token checks out."""
        self._write(secrets.token_hex(16))
        self.install()

    def _derive(self, key: str) -> str:
        message = "\0".join((self.username, self.password, key)).encode("utf-8")
        return hmac.new(self.root_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()

    def _key(self) -> str:
        try:
            key = self.path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            key = ""
        if not key:
            key = secrets.token_hex(16)
            try:
                self._write(key)
            except OSError as error:  # a read-only chat folder: logins work until the next restart
                log.warning("could not keep the login key in %s: %s", self.path, error)
        return key

    def _write(self, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{KEY_FILE}.{secrets.token_hex(4)}.new")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key)
        os.replace(temporary, self.path)


def install_guard(http_app: FastAPI, failures: FailedLogins, history_problem: Callable[[], str | None]) -> None:
    """Put the guard in front of Chainlit's `POST /login`: the history check, then the failure count."""

    async def guard(request: Request, call_next):
        if request.method != "POST" or not request.url.path.endswith("/login") or "/auth/" in request.url.path:
            return await call_next(request)
        if problem := history_problem():
            log.error("sign-in refused: %s", problem)
            return JSONResponse({"detail": HISTORY_UNUSABLE}, status_code=503)
        await request.body()  # read whole first: Starlette then hands the same body to the route behind
        form = await request.form()
        keys = (("address", request.client.host if request.client else "?"),
                ("user", str(form.get("username", "")).strip().lower()))
        if (wait := failures.wait(*keys)) > 0:
            return JSONResponse({"detail": TOO_MANY}, status_code=429, headers={"Retry-After": str(math.ceil(wait))})
        response = await call_next(request)
        if response.status_code == 401:
            failures.failed(*keys)
            # Chainlit answers "credentialssignin", which the page shows as is: say it in words instead.
            return JSONResponse({"detail": WRONG_LOGIN}, status_code=401)
        elif response.status_code < 400:
            failures.succeeded(*keys)
        return response

    http_app.middleware("http")(guard)
