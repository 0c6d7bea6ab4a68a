"""A story's files on disk: atomic writes, the lock file, and recording each rendered frame as a new version.

Every write goes to a temporary file in the same folder and is moved into place with `os.replace`, so a
crash leaves the previous file or the new one, never half of one (and, after a kill, a `.<name>.*.tmp` file that
`remove_stale_temp_files` clears at the next start). Writes into a story folder never follow a link out of it,
and never recreate a story folder that was removed.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from core.errors import StoryGoneError, StorySaveError, UnsafeStoryFolderError
from core.reply import RenderEvent
from core.story import FrameRender, Story

STORY_FILE = "story.json"
IMAGES_DIR = "images"
STALE_TEMP_SECONDS = 600  # an atomic write takes milliseconds; a temporary file this old was left by a killed process
_TEMP_NAME = re.compile(r"\..+\.(?:json|png)\.[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp(prefix=".<name>.", suffix=".tmp")


def story_folder(root: Path, folder: Path) -> Path:
    """`folder` (`root` or a folder inside it), created where missing, once it is sure that `root` still exists
    and that nothing between `root` and `folder` is a link or a file.

    Raises StoryGoneError when `root` is gone, UnsafeStoryFolderError for a link or a file on the way.
    """
    root = Path(root)
    if not root.is_dir():  # the story folder itself may sit in a linked stories folder; what is inside may not link
        raise StoryGoneError(root)
    current = root
    for part in Path(folder).relative_to(root).parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            try:
                os.mkdir(current)
            except FileExistsError:  # made by another writer meanwhile; checked below like any other
                pass
            info = os.lstat(current)
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeStoryFolderError(current, "a link")
        if not stat.S_ISDIR(info.st_mode):
            raise UnsafeStoryFolderError(current, "a file where a folder belongs")
    return current


def atomic_write_bytes(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Write `data` to `path` atomically (temporary file, fsync, rename).

    Args:
        root: the story folder `path` belongs to: it must exist (it is never recreated), and neither `path` nor a
            folder between them may be a link. None: anywhere (an export folder named on the command line), its
            folders created as needed.
    """
    path = Path(path)
    if root is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        story_folder(Path(root), path.parent)
        if path.is_symlink():
            raise UnsafeStoryFolderError(path, "a link")
        if path.is_dir():
            raise UnsafeStoryFolderError(path, "a folder where a file belongs")
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


def save_png(image, path: Path, *, root: Path | None = None) -> None:
    """Save a PIL image as PNG atomically (`root` as for `atomic_write_bytes`)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue(), root=root)


def picture_is_readable(path: Path) -> bool:
    """Whether `path` is a regular file that Pillow can open and whose data checks out (a missing, truncated or
    overwritten picture is not)."""
    from PIL import Image

    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with Image.open(path) as image:
            image.verify()
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... for a damaged file
        return False
    return True


class PictureCheck:
    """`picture_is_readable`, remembered per version of each file (mtime, size), so asking again costs a stat."""

    def __init__(self):
        self._known: dict[Path, tuple[tuple[int, int], bool]] = {}

    def __call__(self, path: Path) -> bool:
        try:
            stamp = file_stamp(path)
        except OSError:
            return False
        known = self._known.get(path)
        if known is None or known[0] != stamp:
            known = (stamp, picture_is_readable(path))
            self._known[path] = known
        return known[1]


def remove_stale_temp_files(folder: Path, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove the temporary files of `atomic_write_bytes` that a killed writer left in a story folder and its
    `images/` (`.story.json.k3j_x9aq.tmp`, `.01-ab12cd34-v2.png.0f9z_1ql.tmp`, older than `older_than` seconds);
    never anything else, never through a link. Returns how many went."""
    removed, now = 0, time.time()
    for place in (Path(folder), Path(folder) / IMAGES_DIR):
        if place.is_symlink() or not place.is_dir():
            continue
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for entry in entries:
            if not _TEMP_NAME.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime > older_than:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                continue
    return removed


def file_stamp(file: Path) -> tuple[int, int]:
    """(mtime, size): changes whenever the file is written."""
    info = file.stat()
    return info.st_mtime_ns, info.st_size


@contextmanager
def file_lock(folder: Path):
    """An exclusive lock on `folder/.lock` across processes (a no-op where fcntl is missing).

    The folder must exist (StoryGoneError: a removed story is never recreated); a `.lock` that is a link or a
    folder is refused (UnsafeStoryFolderError), never followed.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder = Path(folder)
    if not folder.is_dir():
        raise StoryGoneError(folder)
    path = folder / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeStoryFolderError(path, "a link") from None
        if error.errno == errno.EISDIR:
            raise UnsafeStoryFolderError(path, "a folder where the lock file belongs") from None
        raise StorySaveError(f"Could not lock the story ({error.strerror or error}); nothing was changed. Check that "
                             f"{folder} is writable, then try again.") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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
            save_png(image, path, root=self.story_dir)
        except OSError as error:
            raise StorySaveError(
                f"Could not save the picture of frame {index + 1} ({error.strerror or error}); the frames finished "
                f"before it are kept. Check that {self.story_dir} is writable and the disk has room, then press "
                "**Render all**."
            ) from error
        self.record(frame.id, FrameRender(image=relative, context=self.story.render_context(index, self.model)))
        self.done.append(index)
        self.emit(RenderEvent(kind="frame_done", frame=index, image_path=path))
