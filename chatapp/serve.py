"""Start the app server with its own Chainlit app root: `python -m chatapp.serve --host 127.0.0.1 --port 8000`.

Chainlit keeps each chat's element files under `APP_ROOT/.files` and deletes that whole folder when the server
stops. Run from the repository root, every server (the app, a second copy on another port, the browser tests)
would share one `.files`, and stopping any of them would delete the others' files. So each server gets a fresh
app root in the temporary folder that links back to the repository's `.chainlit/`, `public/` and `chainlit.md`;
its `.files` is its own and goes away with it. The working directory stays the repository (`.env` is read there).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (".chainlit", "public", "chainlit.md")  # what Chainlit reads from its app root


def instance_root(repo: Path = REPO) -> Path:
    """A new app root for one server: links to the repository's Chainlit files, nothing else."""
    parent = os.environ.get("STORYLOOM_SERVER_ROOTS")  # where the roots go (tests); the system temp folder if unset
    root = Path(tempfile.mkdtemp(prefix="storyloom-server-", dir=parent))
    for name in SHARED:
        (root / name).symlink_to(repo / name)
    return root


def main(argv: list[str] | None = None, app: str = "app.py") -> int:
    """Run `chainlit run <app> --headless <argv>` under its own app root; remove that root when it exits."""
    root = instance_root()
    chainlit = Path(sys.executable).with_name("chainlit")
    command = [str(chainlit), "run", str(REPO / app), "--headless", *(sys.argv[1:] if argv is None else argv)]
    child = subprocess.Popen(command, cwd=REPO, env={**os.environ, "CHAINLIT_APP_ROOT": str(root)})
    # Ctrl-C reaches the server from the terminal itself; a TERM or HUP sent to this process is passed on, so
    # the server always shuts down cleanly (and deletes only its own files) before the root is removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: child.send_signal(number))
    try:
        return child.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    target = os.environ.get("STORYLOOM_APP", "app.py")
    raise SystemExit(main(app=target))
