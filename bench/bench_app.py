"""The chat app, measured through a real browser and a real server (`chainlit run app.py`).

Prints, in one run:
  1. the latency of GET /health while idle and while a story renders on the tiny image model (target: p95 under
     200 ms: the event loop is never blocked by a render);
  2. the time from sending an idea to the plan on screen with the default language model (the embedded
     SmolLM2-135M unless STORY_LLM_GGUF says otherwise), for a few ideas, each in a new chat.

    python -m bench.bench_app                  # about two minutes on 2 CPU cores
    python -m bench.bench_app --steps 12 --ideas 5

Needs Debian chromium (`make browser`) and the Playwright Python package (test extras).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

from browser_fixtures import PASSWORD, USERNAME, AppServer, launch_chromium  # noqa: E402
from test_app_browser import change_settings, send  # noqa: E402

IDEAS = [
    "A small red fox finds a glowing lantern in the forest and follows its light home.",
    "A rusty little robot in a seaside town teaches itself to paint the sunset.",
    "A girl in a yellow raincoat flies her grandmother's old kite on a windy hill.",
    "Two penguins build a snowman, lose its hat in a storm and find it at the lighthouse.",
    "小女孩在森林里找到一只受伤的小鸟。她把小鸟带回家，照顾它。",
]


def health_ms(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url + "/health", timeout=10) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


class HealthPoller:
    """GET /health every ``interval`` seconds in a thread until stopped."""

    def __init__(self, url: str, interval: float = 0.1):
        self.url, self.interval = url, interval
        self.samples: list[tuple[float, float]] = []  # (monotonic time, latency ms)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), health_ms(self.url)))
            self._stop.wait(self.interval)

    def between(self, start: float, end: float) -> list[float]:
        return [ms for at, ms in self.samples if start <= at <= end]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def log_in(page, url: str) -> None:
    page.goto(url + "/login")
    page.locator("#email").fill(USERNAME)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.locator("#chat-input").wait_for()
    page.get_by_text("A fox and a lost lantern").wait_for()


def idea_to_plan_seconds(page, idea: str) -> float:
    started = time.monotonic()
    send(page, idea)
    page.locator("text=/Character:|角色：/").first.wait_for()
    return time.monotonic() - started


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="denoising steps of the measured tiny render (not 50, "
                        "the default, which the panel would not report as a change)")
    parser.add_argument("--ideas", type=int, default=3, help="ideas timed to the plan (each in a new chat)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        server = AppServer("app.py", tmp, tmp / "server.log")
        server.start()
        browser = launch_chromium(playwright, tmp / "profile")
        page = browser.new_page()
        page.set_default_timeout(300_000)
        try:
            log_in(page, server.url)
            while not json.loads(urllib.request.urlopen(server.url + "/health").read())["models_checked"]:
                time.sleep(0.5)  # the start-up model checks load both models; idle means after them
            idle = []
            for _ in range(30):
                idle.append(health_ms(server.url))
                time.sleep(0.05)
            results["health_idle"] = summary(idle)

            change_settings(page, None, steps=args.steps)
            page.get_by_text("Settings saved").wait_for()
            with HealthPoller(server.url) as poller:
                sent = time.monotonic()
                plan_seconds = [idea_to_plan_seconds(page, IDEAS[0])]
                planned = time.monotonic()
                page.locator("img[alt^='frame-']").first.wait_for()
                page.wait_for_timeout(300)
                page.locator("#stop-button").wait_for(state="detached")
                rendered = time.monotonic()
            results["health_while_planning"] = summary(poller.between(sent, planned))
            results["health_while_rendering"] = summary(poller.between(planned, rendered))
            results["render_seconds"] = round(rendered - planned, 1)

            for idea in IDEAS[1:args.ideas]:
                page.locator("#new-chat-button").click()
                confirm = page.get_by_role("button", name="Confirm")
                if confirm.count():
                    confirm.click()
                page.locator("#chat-input").wait_for()
                page.wait_for_timeout(1000)
                plan_seconds.append(idea_to_plan_seconds(page, idea))
                page.locator("#stop-button").wait_for(state="detached")
            results["idea_to_plan_seconds"] = [round(s, 2) for s in plan_seconds]
        finally:
            browser.close()
            server.stop()
    print(json.dumps(results, indent=2))
    p95 = results["health_while_rendering"]["p95_ms"]
    print(f"/health p95 while rendering: {p95} ms (target < 200 ms): {'OK' if p95 < 200 else 'MISSED'}")
    return results


if __name__ == "__main__":
    main()
