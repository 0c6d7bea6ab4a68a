"""A story's files on disk: atomic writes, and recording each rendered frame as a new version.

Every write goes to a temporary file in the same folder and is moved into place with `os.replace`, so a
crash leaves the previous file or the new one, never half of one.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from core.errors import StorySaveError
from core.reply import RenderEvent
from core.story import FrameRender, Story

STORY_FILE = "story.json"
IMAGES_DIR = "images"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_png(image, path: Path) -> None:
    """Save a PIL image as PNG atomically."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())


def file_stamp(file: Path) -> tuple[int, int]:
    """(mtime, size): changes whenever the file is written."""
    info = file.stat()
    return info.st_mtime_ns, info.st_size


@contextmanager
def file_lock(folder: Path):
    """An exclusive lock on `folder/.lock` across processes (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class FrameSaver:
    """Render callbacks that save each finished frame as a new version and record it in the story at once.

    Args:
        story_dir: the story's folder (images go to `images/`).
        story: the story as it was when the render started (its context is what was rendered).
        model: the model name stored in each render's context.
        record: called with (frame id, FrameRender) to add the version to the live story and save it.
        emit: called with each RenderEvent.
    """

    def __init__(self, story_dir: Path, story: Story, model: str, record: Callable, emit: Callable):
        self.story_dir, self.story, self.model = Path(story_dir), story, model
        self.record, self.emit = record, emit
        self.done: list[int] = []
        self._started: set[int] = set()

    def on_step(self, frames: list[int], step: int, total: int) -> None:
        for index in frames:
            if index not in self._started:
                self._started.add(index)
                self.emit(RenderEvent(kind="frame_started", frame=index, total_steps=total))
            self.emit(RenderEvent(kind="step", frame=index, step=step, total_steps=total))

    def on_frame(self, index: int, image) -> None:
        frame = self.story.frames[index]
        version = len(self.story.renders.get(frame.id, [])) + sum(1 for i in self.done if
                                                                  self.story.frames[i].id == frame.id) + 1
        relative = f"{IMAGES_DIR}/{index + 1:02d}-{frame.id}-v{version}.png"
        path = self.story_dir / relative
        while path.exists():  # never overwrite an earlier version (e.g. after undo)
            version += 1
            relative = f"{IMAGES_DIR}/{index + 1:02d}-{frame.id}-v{version}.png"
            path = self.story_dir / relative
        try:
            save_png(image, path)
        except OSError as error:
            raise StorySaveError(
                f"Could not save the picture of frame {index + 1} ({error.strerror or error}); the frames finished "
                f"before it are kept. Check that {self.story_dir} is writable and the disk has room, then press "
                "**Render all**."
            ) from error
        self.record(frame.id, FrameRender(image=relative, context=self.story.render_context(index, self.model)))
        self.done.append(index)
        self.emit(RenderEvent(kind="frame_done", frame=index, image_path=path))
