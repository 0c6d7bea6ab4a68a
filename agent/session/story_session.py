"""StorySession: the one object the app talks to: plan → render → revise → re-render what changed → export.

The story is saved (atomically) after every change and after every finished frame, so a crash mid-render
keeps the frames already done. Only frames whose own inputs changed are rendered; locked frames never are
unless named. Without an image model, frames are storyboard cards. API indices are 0-based; every text for
the person is 1-based.

Longer than 300 lines: one story's whole life (create/open, save and the cross-process lock, plan, revise,
settings, render with its frame saver, export) in one class, so every change goes through `_changing`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from agent.replies import plan_text, render_text, settings_text
from agent.session.models import ImageModel
from core import edits
from core.config import Config
from core.errors import InvalidStoryError, RenderCancelled, StoryError, StorySaveError
from core.generator import Generator
from core.reply import RenderEvent, Reply
from core.settings import GenerationSettings
from core.story import FrameRender, Story
from export.cards import StoryboardGenerator, who_is_in
from language.editor import frame_text_edit, parse_message
from language.planner import plan_story
from language.prompt_repair import check_clip_budget
from storage.files import STORY_FILE, FrameSaver, atomic_write_bytes, file_lock, file_stamp, save_png

NO_LLM = False  # pass as `llm` to plan and revise without any language model


def check_cast_budget(story: Story) -> None:
    """Refuse a cast whose style and characters take more CLIP tokens than leave two frames per window (the
    engine would refuse it at render time; the person hears it when making the change)."""
    from generator.tokens import count_clip_tokens
    from generator.windows import check_cast_budget as check

    check([(piece.character, piece.label, count_clip_tokens(piece.text)) for piece in story.identity_pieces()])


class StorySession:
    """One story on disk (`<stories_dir>/<id>/story.json` and `images/`) and the operations on it."""

    def __init__(self, story_dir: Path, story: Story, *, llm=None, generator_provider=None,
                 story_file: str = STORY_FILE, config: Config | None = None):
        self.story_dir = Path(story_dir)
        self.story_file = story_file
        self._story = story
        self._llm = llm
        self._generator_provider = generator_provider
        self._config = config or Config()  # the app and the CLI pass theirs (read once from the environment)
        self._lock = threading.RLock()  # story changes (revise may run while a render is in progress)
        self._render_lock = threading.Lock()  # one render at a time per session
        self._cancel = threading.Event()
        self._model_name: str | None = None
        self._stamp: tuple[int, int] | None = None  # (mtime, size) of the story file as this session last saw it
        self._holding = False  # this session holds the story's lock file

    # --- lifecycle ---------------------------------------------------------------------------------
    @classmethod
    def create(cls, stories_dir: Path, *, llm=None, generator_provider=None, config: Config | None = None
               ) -> StorySession:
        """A new, empty story in its own folder under `stories_dir`.

        Args:
            llm: a ChatModel; None = the configured one (loaded on first use); NO_LLM = none at all.
            generator_provider: zero-argument callable returning a StoryGenerator, or None for storyboard
                cards; None = the image model `config` names.
            config: the settings (default: `Config()`, the built-in defaults).
        """
        story = Story()
        session = cls(Path(stories_dir) / story.id, story, llm=llm, generator_provider=generator_provider,
                      config=config)
        session.save()
        return session

    @classmethod
    def open(cls, path: Path, *, llm=None, generator_provider=None, config: Config | None = None) -> StorySession:
        """Resume a story: `path` is its folder (holding story.json) or a story JSON file."""
        path = Path(path)
        file = path if path.suffix == ".json" else path / STORY_FILE
        if not file.is_file():
            raise InvalidStoryError(f"No story file at {file}. Check the path, or plan a new story.")
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidStoryError(f"Cannot read the story file {file}: {error}") from error
        return cls(file.parent, Story.from_json(text), llm=llm, generator_provider=generator_provider,
                   story_file=file.name, config=config)

    @property
    def story(self) -> Story:
        return self._story

    def save(self) -> None:
        """Write the story file atomically (done after every change; public for new sessions)."""
        with self._lock:
            self._write(self._story)

    def _write(self, story: Story) -> None:
        file = self.story_dir / self.story_file
        try:
            atomic_write_bytes(file, story.to_json().encode("utf-8"))
            self._stamp = file_stamp(file)
        except OSError as error:
            raise StorySaveError(
                f"Could not save the story ({error.strerror or error}); nothing was changed. Check that "
                f"{self.story_dir} is writable and the disk has room, then try again."
            ) from error

    @contextmanager
    def _changing(self):
        """Hold the story for one change: this process's lock, a lock file for other processes (the CLI, a
        second server), and the latest saved version, so two sessions of one story never write over each
        other's changes: each change is applied to what is on disk now."""
        with self._lock:
            if self._holding:  # already held by this thread (the lock file is not re-entrant)
                yield
                return
            with file_lock(self.story_dir):
                self._holding = True
                try:
                    self._refresh()
                    yield
                finally:
                    self._holding = False

    def _refresh(self) -> None:
        """Take the saved story when another session saved since this one last read or wrote it."""
        file = self.story_dir / self.story_file
        try:
            stamp = file_stamp(file)
        except OSError:
            return
        if stamp != self._stamp:
            saved = Story.from_json(file.read_text(encoding="utf-8"))
            if saved.id == self._story.id and saved.version > self._story.version:
                self._story = saved
            self._stamp = stamp

    def _set_story(self, story: Story) -> None:
        """Save first, then change memory: a failed save leaves the session as it was (call inside _changing)."""
        story = story.model_copy(update={"version": self._story.version + 1})
        self._write(story)
        self._story = story

    def _language_model(self):
        if self._llm is NO_LLM:
            return None
        if self._llm is None:
            from llm.chat import default_llm

            self._llm = default_llm(self._config)
        return self._llm

    # --- planning and revising ---------------------------------------------------------------------
    def plan(self, idea: str, *, frames: int | None = None, style: str | None = None) -> Reply:
        """Plan a new story from `idea`, replacing the current content (one undo step)."""
        note = ""
        try:
            llm = self._language_model()
        except StoryError as error:  # e.g. the configured GGUF is missing: plan without it, and say so
            llm, note = None, str(error)
        planned, report = plan_story(idea, llm, frames=frames, style=style or self._story.style,
                                     settings=self._story.settings, small_llm=self._config.small_llm)
        if report.llm_error and not note:
            note = "The language model gave no usable plan, so the story was built from your idea directly."
        with self._changing():
            fields = ("title", "identity_prompt", "cast", "style", "settings", "frames")  # a planned cast comes along
            content = {k: getattr(planned, k) for k in fields}
            story = self._story.changed("plan", **content).model_copy(update={"idea": planned.idea})
            self._set_story(story)
        indices = list(range(len(story.frames)))
        return Reply(text=plan_text(story, report.language, note), changed=indices, to_render=indices)

    def revise(self, message: str) -> Reply:
        """Apply a revision message; a question (and no change) when it is unclear or out of range."""
        try:
            llm = self._language_model()
        except StoryError:
            llm = None
        with self._changing():  # read the request against the story as saved now
            story = self._story
        parsed = parse_message(message, story, llm)
        if parsed.question:
            return Reply(text=parsed.question, question=parsed.question, choices=parsed.choices)
        return self._apply(parsed.ops)

    def _apply(self, ops: list[edits.EditOp]) -> Reply:
        with self._changing():
            story, changed, named, summaries = self._story, set(), set(), []
            try:
                for op in ops:
                    result = edits.apply_edit(story, op)
                    story, summaries = result.story, summaries + [result.summary]
                    changed.update(result.changed)
                    named.update(result.named)
                same_prefix = story.render_identity() == self._story.render_identity()
                if not same_prefix:
                    check_cast_budget(story)
                check_clip_budget(story, changed if same_prefix else range(len(story.frames)))
            except InvalidStoryError as error:
                return Reply(text=str(error), question=str(error))
            self._set_story(story)
            to_render = story.due_frames(self._model_name, named)
        return Reply(text=render_text(summaries, to_render), changed=sorted(changed), to_render=to_render)

    def edit(self, *ops: edits.EditOp) -> Reply:
        """Apply typed operations (0-based frames) as one change: what buttons and cards that act on the story
        directly (the cast card: who is in a frame, a character's description) call, with nothing to parse."""
        return self._apply(list(ops))

    def reroll(self, index: int) -> Reply:
        return self._apply([edits.Reroll(frame=index)])

    def set_lock(self, index: int, locked: bool) -> Reply:
        return self._apply([edits.SetLock(frame=index, locked=locked)])

    def set_frame_text(self, index: int, text: str) -> Reply:
        """The frame's new text from the Edit button: built as an operation, never re-parsed as a message."""
        parsed = frame_text_edit(index, text, self._story)
        return Reply(text=parsed.question, question=parsed.question) if parsed.question else self._apply(parsed.ops)

    def undo(self) -> Reply:
        return self._apply([edits.Undo()])

    def redo(self) -> Reply:
        return self._apply([edits.Redo()])

    def update_settings(self, **changes) -> Reply:
        """Change generation settings (and/or `style`); the reply says which frames are affected."""
        ops: list[edits.EditOp] = []
        style = changes.pop("style", None)
        if style is not None and style != self._story.style:
            ops.append(edits.SetStyle(style=style))
        unknown = set(changes) - set(GenerationSettings.model_fields)
        if unknown:
            raise InvalidStoryError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        try:
            settings = GenerationSettings.model_validate({**self._story.settings.model_dump(), **changes})
        except ValueError as error:
            raise InvalidStoryError(f"Invalid setting: {error}") from error
        reply = self._apply(ops) if ops else None
        if settings != self._story.settings:
            old = self._story.settings
            pixels = settings.model_dump(exclude={"batch_size"}) != old.model_dump(exclude={"batch_size"})
            with self._changing():
                self._set_story(self._story.changed("settings", settings=settings))
            affected = [i for i, f in enumerate(self._story.frames) if pixels and not f.locked]
            return Reply(text=settings_text(changes, affected, self._story), changed=affected,
                         to_render=self._stale())
        return reply or Reply(text="Nothing changed.")

    # --- rendering ---------------------------------------------------------------------------------
    def frames_needing_render(self) -> list[int]:
        """Unlocked frames without an image for their current text, seed, identity, settings and model.

        The first call asks the generator provider which model renders (it may load it), so storyboard cards
        count as due once a real model is configured.
        """
        if self._model_name is None:
            self._generator()
        return self._stale()

    def _stale(self) -> list[int]:
        # Before the model is known (no render yet in this session), any matching render counts.
        return self._story.due_frames(self._model_name)

    def frame_image(self, index: int) -> Path | None:
        """The image to show for frame `index`: its current render, else its newest one, else None."""
        story = self._story
        story.check_index(index)
        render = story.current_render(index) or story.latest_render(index)
        if render is None:
            return None
        path = self.story_dir / render.image
        if not path.resolve().is_relative_to(self.story_dir.resolve()):  # validated on load; checked where used
            raise InvalidStoryError(f"Frame {index + 1}'s image is outside the story folder; it is not used.")
        return path

    def strip_image(self) -> Path | None:
        """The story strip of the shown images (written to `strip.png`), or None before any render."""
        from PIL import Image

        from generator.strip import story_strip

        paths = [self.frame_image(i) for i in range(len(self._story.frames))]
        if not paths or any(p is None or not p.is_file() for p in paths):
            return None
        strip = story_strip([Image.open(p) for p in paths], gap=8)
        target = self.story_dir / "strip.png"
        save_png(strip, target)
        return target

    def cancel(self) -> None:
        """Stop the current render within one step (thread-safe); finished frames are kept."""
        self._cancel.set()

    def _generator(self):
        provider = self._generator_provider or ImageModel.from_config(self._config).get
        self._generator_provider = provider
        generator: Generator = provider() or StoryboardGenerator(
            captions={i: f.caption for i, f in enumerate(self._story.frames)}, who=who_is_in(self._story))
        self._model_name = generator.model_name
        return generator

    def render(self, frames: list[int] | None = None, *, on_event: Callable[[RenderEvent], None] | None = None
               ) -> Reply:
        """Render `frames` (0-based), or every unlocked frame that needs it when None; saves after each frame."""
        emit = on_event or (lambda event: None)
        with self._render_lock:
            self._cancel.clear()
            generator = self._generator()
            story = self._story
            targets = self._stale() if frames is None else sorted(set(frames))
            for index in targets:
                story.check_index(index)
            if not targets:
                return Reply(text="Every frame is up to date.")
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
        return Reply(text=f"Rendered {len(saver.done)} frame(s) with {generator.label}.{notice}",
                     changed=saver.done)

    def _record_render(self, frame_id: str, render: FrameRender) -> None:
        with self._changing():
            self._set_story(self._story.with_render(frame_id, render))

    # --- export ------------------------------------------------------------------------------------
    def export(self, fmt: str, out_dir: Path, *, layout: str = "grid") -> list[Path]:
        """Write the story as zip|pdf|gif|page|md|json|png|strip|all into `out_dir`; returns the files."""
        from export.story import export_story

        images = [self.frame_image(i) for i in range(len(self._story.frames))]
        return export_story(self._story, images, fmt, Path(out_dir), layout=layout)
