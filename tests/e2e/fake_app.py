"""app.py over the fake story session, for browser tests of the UI alone: `chainlit run tests/e2e/fake_app.py`.

FAKE_STEP_SECONDS sets how long each of the fake's 4 steps per frame takes (default 0.2 s).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from app_fixtures import FakeStorySession  # noqa: E402

import app  # noqa: E402  (registers every handler)

FakeStorySession.step_seconds = float(os.environ.get("FAKE_STEP_SECONDS", "0.2"))
app._story_session_class = lambda: FakeStorySession
