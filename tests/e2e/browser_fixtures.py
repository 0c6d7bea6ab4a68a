"""Helpers for the browser tests: the app server as a child process on a free loopback port, and headless
Debian Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USERNAME, PASSWORD = "storyloom", "e2e-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`python -m chatapp.serve` (Chainlit on <target>, in its own app root), with its own data and login."""

    def __init__(self, target: str, data_dir: Path, log_path: Path, **env: str):
        self.target, self.data_dir, self.log_path = target, data_dir, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "CHAINLIT_AUTH_SECRET": "e2e-secret-" + "x" * 40,
            "CHAINLIT_ENV_FILE": str(data_dir / "no.env"),  # never the developer's .env
            "STORY_USERNAME": USERNAME,
            "STORY_PASSWORD": PASSWORD,
            "STORY_DATA_DIR": str(data_dir / "stories"),
            "STORY_CHAT_DIR": str(data_dir / "chat"),
            "STORY_IMAGE_MODEL": "tiny",
            "STORY_LLM_GGUF": "",
            "STORYLOOM_SERVER_ROOTS": str(data_dir),  # a killed server's app root stays in the test's folder
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chatapp.serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env={**self.env, "STORYLOOM_APP": self.target}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"the app did not answer /health in {timeout} s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL, like a crash or a power cut: nothing gets a chance to clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def story_dirs(self) -> list[Path]:
        stories = self.data_dir / "stories"
        return sorted(p for p in stories.iterdir() if (p / "story.json").is_file()) if stories.is_dir() else []


def launch_chromium(playwright, user_data_dir: Path):
    """A persistent context on a fresh profile folder (the only way to give Chromium its own user-data dir)."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
