"""A story session's pictures: which frames are due, rendering them with the frame saver, and the pictures shown,
stripped and exported.

A frame counts as drawn only while its picture is on disk and readable: a picture that was deleted, truncated or
overwritten makes its frame due again (and every reply that concerns it says so), instead of breaking the strip,
the export or the reopened chat. Before deciding what is due, the story is read again as saved now, so a change
made by the CLI or another tab is never rendered over as "up to date".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from agent.replies import frame_list
from agent.session.models import ImageModel
from core.errors import RenderCancelled, StoryError
from core.generator import Generator
from core.reply import RenderEvent, Reply
from core.story import TEST_MODEL, FrameRender
from export.cards import StoryboardGenerator, who_is_in
from storage.files import FrameSaver, PictureCheck, save_png, story_folder

log = logging.getLogger(__name__)


def missing_text(indices: list[int], *, redrawn: bool = False) -> str:
    """What a person reads about frames whose picture went missing (or cannot be read); "" for none."""
    if not indices:
        return ""
    one = len(indices) == 1
    if redrawn:
        return (f"The picture of {frame_list(indices)} {'was' if one else 'were'} missing or could not be read, "
                f"so {'it was' if one else 'they were'} drawn again.")
    return (f"The picture of {frame_list(indices)} {'is' if one else 'are'} missing or cannot be read, so "
            f"{'it is' if one else 'they are'} due for rendering again.")


class StoryPictures:
    """The rendering half of `StorySession` (a mixin: it uses the session's `_story`, `story_dir`, `_changing`,
    `_set_story`, `_config`, locks and cancel event)."""

    _picture_check: PictureCheck | None = None

    # --- what is drawn, what is due -----------------------------------------------------------------
    def _picture_ok(self, render: FrameRender) -> bool:
        """Whether `render`'s picture is a readable file inside the story folder."""
        if self._picture_check is None:
            self._picture_check = PictureCheck()
        path = self.story_dir / render.image
        if not path.resolve().is_relative_to(self.story_dir.resolve()):  # an `images` link out of the folder
            return False
        return self._picture_check(path)

    def refresh(self) -> None:
        """Take the story as saved now (another tab or the CLI may have changed it since). Reading needs no lock
        file: every save replaces the file whole."""
        with self._lock:
            self._refresh()

    def frames_needing_render(self) -> list[int]:
        """Unlocked frames without a readable picture for their current text, seed, identity, settings and model,
        in the story as saved now.

        The first call asks the generator provider which model renders (it may load it), so storyboard cards
        count as due once a real model is configured.
        """
        self.refresh()
        if self._model_name is None:
            self._generator()
        return self._stale()

    def _stale(self) -> list[int]:
        # Before the model is known (no render yet in this session), any matching render counts.
        return self._story.due_frames(self._model_name, usable=self._picture_ok)

    def missing_pictures(self) -> list[int]:
        """Frames that were drawn for what they are now, but whose picture is gone or unreadable."""
        story = self._story
        return [i for i in range(len(story.frames))
                if story.current_render(i, self._model_name) is not None
                and story.current_render(i, self._model_name, usable=self._picture_ok) is None]

    def missing_pictures_note(self) -> str:
        """What to tell a person about `missing_pictures` ("" when none)."""
        return missing_text(self.missing_pictures())

    def _shown_render(self, index: int) -> FrameRender | None:
        """The render whose picture frame `index` shows: its current one, else its newest readable one, else None."""
        story = self._story
        story.check_index(index)
        render = story.current_render(index, usable=self._picture_ok)
        if render is None:
            readable = [r for r in story.renders.get(story.frames[index].id, []) if self._picture_ok(r)]
            render = readable[-1] if readable else None
        return render

    def frame_image(self, index: int) -> Path | None:
        """The picture to show for frame `index`: its current render's, else its newest readable one, else None."""
        render = self._shown_render(index)
        return None if render is None else self.story_dir / render.image

    def test_image_frames(self) -> list[int]:
        """Frames whose shown picture comes from the built-in random-weight test model (labelled wherever shown)."""
        return [i for i in range(len(self._story.frames))
                if (render := self._shown_render(i)) is not None and render.context.model == TEST_MODEL]

    def pictures(self) -> list[dict]:
        """What the story view shows per frame, in the story as saved now: `path` (the picture, or None), `due`
        (to be drawn again for what the frame is now) and `test_image` (drawn by the random-weight test model)."""
        self.refresh()
        due, tests = set(self._stale()), set(self.test_image_frames())
        return [{"path": self.frame_image(i), "due": i in due, "test_image": i in tests}
                for i in range(len(self._story.frames))]

    def strip_image(self) -> Path | None:
        """The story strip of the shown pictures (written to `strip.png`), or None while a frame has none (or the
        strip cannot be written: the failure that matters was already said)."""
        from PIL import Image

        from generator.strip import story_strip

        paths = [self.frame_image(i) for i in range(len(self._story.frames))]
        if not paths or any(p is None for p in paths):
            return None
        target = self.story_dir / "strip.png"
        try:
            save_png(story_strip([Image.open(p) for p in paths], gap=8), target, root=self.story_dir)
        except (StoryError, OSError) as error:
            log.warning("no strip for %s: %s", self.story_dir, error)
            return None
        return target

    # --- rendering -----------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the current render within one step (thread-safe); finished frames are kept."""
        self._cancel.set()

    def _generator(self):
        provider = self._generator_provider or ImageModel.from_config(self._config).get
        self._generator_provider = provider
        generator: Generator = provider() or StoryboardGenerator(who=who_is_in(self._story))
        self._model_name = generator.model_name
        return generator

    def render(self, frames: list[int] | None = None, *, on_event: Callable[[RenderEvent], None] | None = None
               ) -> Reply:
        """Render `frames` (0-based), or every unlocked frame that needs it when None; saves after each frame."""
        emit = on_event or (lambda event: None)
        with self._render_lock:
            self._cancel.clear()
            self.refresh()
            generator = self._generator()
            story = self._story
            targets = self._stale() if frames is None else sorted(set(frames))
            for index in targets:
                story.check_index(index)
            if not targets:
                return Reply(text="Every frame is up to date.")
            missing = [i for i in self.missing_pictures() if i in targets]
            for index in targets:
                emit(RenderEvent(kind="queued", frame=index))
            saver = FrameSaver(self.story_dir, story, self._model_name, self._record_render, emit)
            seeds = {i: story.frame_seed(i) for i in targets}
            try:
                generator.render(story.identity_pieces(), story.frame_prompts, story.settings, frames=targets,
                                 seeds=seeds, presence=[frame.cast for frame in story.frames], on_step=saver.on_step,
                                 on_frame=saver.on_frame, cancel=self._cancel)
            except RenderCancelled:
                emit(RenderEvent(kind="cancelled", message="Render stopped."))
                return Reply(text=f"Stopped. {len(saver.done)} of {len(targets)} frame(s) finished and kept.",
                             changed=saver.done, to_render=[i for i in targets if i not in saver.done])
            except StoryError as error:
                emit(RenderEvent(kind="error", message=str(error)))
                raise
        notice = f" {generator.last_notice}" if generator.last_notice else ""
        redrawn = " " + missing_text([i for i in missing if i in saver.done], redrawn=True) if missing else ""
        return Reply(text=f"Rendered {len(saver.done)} frame(s) with {generator.label}.{notice}{redrawn}".rstrip(),
                     changed=saver.done)

    def _record_render(self, frame_id: str, render: FrameRender) -> None:
        with self._changing():
            self._set_story(self._story.with_render(frame_id, render))

    # --- export --------------------------------------------------------------------------------------
    def export(self, fmt: str, out_dir: Path, *, layout: str = "grid") -> list[Path]:
        """Write the story as zip|pdf|gif|page|md|json|png|strip|all into `out_dir`; returns the files.

        Frames without a readable picture are exported as storyboard cards (`frames_without_picture` names them).
        An `out_dir` inside the story folder is never reached through a link.
        """
        from export.story import export_story

        self.refresh()
        out_dir, root = Path(out_dir).absolute(), self.story_dir.absolute()
        if out_dir.is_relative_to(root):  # e.g. the chat's `exports`: made inside the folder, never through a link
            story_folder(root, out_dir)
        images = [self.frame_image(i) for i in range(len(self._story.frames))]
        return export_story(self._story, images, fmt, out_dir, layout=layout, test_images=self.test_image_frames())

    def frames_without_picture(self) -> list[int]:
        """Frames that an export shows as storyboard cards: never drawn, or their picture is missing."""
        return [i for i in range(len(self._story.frames)) if self.frame_image(i) is None]
