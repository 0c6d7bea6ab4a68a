"""Start the app server with its own Chainlit app root: `python -m chatapp.serve --host 127.0.0.1 --port 8000`.

Chainlit keeps each chat's element files under `APP_ROOT/.files` and deletes that whole folder when the server
stops. Run from the repository root, every server (the app, a second copy on another port, the browser tests)
would share one `.files`, and stopping any of them would delete the others' files. So each server gets a fresh
app root in the temporary folder that links back to the repository's `.chainlit/`, `public/` and `chainlit.md`;
its `.files` is its own and goes away with it. The working directory stays the repository (`.env` is read there).
A server killed outright (SIGKILL, a power cut) cannot remove its root; the next start removes every root whose
lock no running server holds.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("storyloom.serve")

REPO = Path(__file__).resolve().parents[1]
SHARED = (".chainlit", "public", "chainlit.md")  # what Chainlit reads from its app root
ROOT_PREFIX = "storyloom-server-"
LOCK_NAME = ".server.lock"  # held by the server while it runs; a root whose lock is free was left by a killed one


def instance_root(repo: Path = REPO) -> tuple[Path, int]:
    """A new app root for one server (links to the repository's Chainlit files, nothing else), and the descriptor
    of its lock, held for as long as the server runs; the roots of killed servers go first."""
    parent = Path(os.environ.get("STORYLOOM_SERVER_ROOTS") or tempfile.gettempdir())  # tests set their own
    remove_stale_roots(parent)
    root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX, dir=parent))
    lock = _hold(root)
    for name in SHARED:
        (root / name).symlink_to(repo / name)
    return root, lock


def _hold(root: Path) -> int:
    """Lock `root/.server.lock` (locked under another name first, so no other start ever sees it unlocked)."""
    import fcntl

    pending = root / f"{LOCK_NAME}.new"
    descriptor = os.open(pending, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.rename(pending, root / LOCK_NAME)
    return descriptor


def remove_stale_roots(parent: Path) -> list[Path]:
    """Remove the app roots that killed servers left in `parent`: those whose lock nobody holds. A root without a
    lock file (being made, or from an older Storyloom) is left alone. Returns the roots removed."""
    import fcntl

    removed = []
    for root in sorted(parent.glob(f"{ROOT_PREFIX}*")):
        if root.is_symlink() or not (root / LOCK_NAME).is_file():
            continue
        try:
            descriptor = os.open(root / LOCK_NAME, os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its server (or the server's child) still runs
            continue
        else:
            shutil.rmtree(root, ignore_errors=True)
            removed.append(root)
        finally:
            os.close(descriptor)
    return removed


def address(argv: list[str]) -> str:
    """The URL a server started with `argv` (`--host H --port P`, Chainlit's defaults otherwise) answers at."""
    def value(flag: str, default: str) -> str:
        for index, word in enumerate(argv):
            if word == flag and index + 1 < len(argv):
                return argv[index + 1]
            if word.startswith(flag + "="):
                return word.split("=", 1)[1]
        return default

    return f"http://{value('--host', '127.0.0.1')}:{value('--port', '8000')}"


def login_banner(argv: list[str], env_file: Path | None = None) -> str:
    """What the terminal says before the server starts: where to go and how to log in (`env_file`: the settings
    file the server reads, `CHAINLIT_ENV_FILE` or `.env` in the repository)."""
    from core.config import Config

    env_file = env_file or REPO / (os.environ.get("CHAINLIT_ENV_FILE") or ".env")

    try:
        config = Config.from_env(env_file)
    except Exception as error:  # the app itself says what is wrong with a setting when it starts
        return f"Storyloom: open {address(argv)} ({error})"
    if not config.password:
        how = "STORY_PASSWORD is empty, so nobody can log in: run `make .env` (it writes one), then start again"
    else:
        how = f"log in with user name: {config.username} and the password in {env_file} (the STORY_PASSWORD line)"
    return f"Storyloom: open {address(argv)} in your browser and {how}."


def main(argv: list[str] | None = None, app: str = "app.py") -> int:
    """Run `chainlit run <app> --headless <argv>` under its own app root; remove that root when it exits."""
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    log.info(login_banner(argv))
    root, lock = instance_root()
    chainlit = Path(sys.executable).with_name("chainlit")
    command = [str(chainlit), "run", str(REPO / app), "--headless", *argv]
    # The server inherits the root's lock: while either process lives, no later start removes the root.
    child = subprocess.Popen(command, cwd=REPO, env={**os.environ, "CHAINLIT_APP_ROOT": str(root)}, pass_fds=(lock,))
    # Ctrl-C reaches the server from the terminal itself; a TERM or HUP sent to this process is passed on, so
    # the server always shuts down cleanly (and deletes only its own files) before the root is removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: child.send_signal(number))
    try:
        return child.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)
        os.close(lock)


if __name__ == "__main__":
    target = os.environ.get("STORYLOOM_APP", "app.py")
    raise SystemExit(main(app=target))
