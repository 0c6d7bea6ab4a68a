"""Write `.env` from `.env.example` with a fresh login secret and password (run by `make .env`).

Never overwrites an existing `.env`: it only fills `CHAINLIT_AUTH_SECRET` and `STORY_PASSWORD` when they are
empty there, so running it again is harmless. A password it makes is printed once, with the user name (the
terminal of a first `make run`); afterwards it says where the password is.

    python scripts/init_env.py [--env PATH] [--example PATH]
"""

from __future__ import annotations

import argparse
import logging
import re
import secrets
import sys
from pathlib import Path

log = logging.getLogger("init_env")

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {
    "CHAINLIT_AUTH_SECRET": lambda: secrets.token_urlsafe(48),  # HS256 wants at least 32 bytes
    "STORY_PASSWORD": lambda: secrets.token_urlsafe(12),
}


def fill_secrets(text: str) -> tuple[str, list[str]]:
    """``text`` with every empty (or missing) generated key given a fresh value; the keys filled."""
    filled = []
    for key, make in GENERATED.items():
        pattern = re.compile(rf"^{key}=[ \t]*$", re.MULTILINE)
        if pattern.search(text):
            text = pattern.sub(f"{key}={make()}", text, count=1)
            filled.append(key)
        elif not re.search(rf"^{key}=", text, re.MULTILINE):
            text = text.rstrip("\n") + f"\n{key}={make()}\n"
            filled.append(key)
    return text, filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", type=Path, default=ROOT / ".env")
    parser.add_argument("--example", type=Path, default=ROOT / ".env.example")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)

    source = args.env if args.env.exists() else args.example
    if not source.exists():
        log.error("Neither %s nor %s exists.", args.env, args.example)
        return 1
    text, filled = fill_secrets(source.read_text(encoding="utf-8"))
    if source == args.env and not filled:
        log.info("%s already has a login secret and password; nothing changed.", args.env)
    else:
        args.env.write_text(text, encoding="utf-8")
        args.env.chmod(0o600)
        log.info("Wrote %s (%s).", args.env, ", ".join(filled) or "copied")
    log.info(login_hint(text, args.env, new_password="STORY_PASSWORD" in filled))
    return 0


def login_hint(text: str, env: Path, *, new_password: bool) -> str:
    """How to log in: the user name, and the password itself when it was just made (else where it is)."""
    user = re.search(r"^STORY_USERNAME=(.*)$", text, re.MULTILINE)
    name = (user.group(1).strip() if user else "") or "storyloom"
    if new_password:
        password = re.search(r"^STORY_PASSWORD=(.*)$", text, re.MULTILINE).group(1).strip()
        return f"Log in with user name: {name}  password: {password}  (kept in {env}, the STORY_PASSWORD line)"
    return f"Log in with user name: {name} and the password in {env} (the STORY_PASSWORD line)."


if __name__ == "__main__":
    sys.exit(main())
