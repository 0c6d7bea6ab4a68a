"""StorySession: the one object the app talks to: plan → render → revise → re-render what changed → export.

The story is saved (atomically) after every change and after every finished frame, so a crash mid-render
keeps the frames already done. Only frames whose own inputs changed are rendered; locked frames never are
unless named. Without an image model, frames are storyboard cards. API indices are 0-based; every text for
the person is 1-based. Every text a person gives is cleaned (`core.text.clean_text`) before anything reads it;
a story folder removed from disk is never recreated. The pictures' half (what is due, render, export) is
`agent.session.pictures.StoryPictures`.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from agent.replies import plan_text, render_text, settings_text
from agent.session.captions import true_captions
from agent.session.pictures import StoryPictures
from core import edits
from core.config import Config
from core.errors import InvalidStoryError, StoryError, StorySaveError, validation_problem
from core.reply import Reply
from core.settings import GenerationSettings
from core.story import Story
from core.text import clean_text
from language.planner import plan_story
from language.revise import frame_text_edit, parse_message
from storage.files import STORY_FILE, atomic_write_bytes, file_lock, file_stamp, remove_stale_temp_files

NO_LLM = False  # pass as `llm` to plan and revise without any language model


def check_cast_budget(story: Story) -> None:
    """Refuse a cast whose style and characters take more CLIP tokens than leave two frames per window (the
    engine would refuse it at render time; the person hears it when making the change)."""
    from generator.tokens import count_clip_tokens
    from generator.windows import check_cast_budget as check

    check([(piece.character, piece.label, count_clip_tokens(piece.text)) for piece in story.identity_pieces()])


class StorySession(StoryPictures):
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
        self._on_disk = False  # saved or opened: from then on its folder is never recreated

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
        try:
            session.save()
        except StoryError:
            with contextlib.suppress(OSError):
                session.story_dir.rmdir()  # the folder the failed save made (only when it is empty)
            raise
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
        remove_stale_temp_files(file.parent)  # what a killed writer left behind
        session = cls(file.parent, Story.from_json(text), llm=llm, generator_provider=generator_provider,
                      story_file=file.name, config=config)
        session._on_disk = True
        return session

    @property
    def story(self) -> Story:
        return self._story

    def discard(self) -> None:
        """Remove the story's folder if the story was never planned (a first plan that failed), so nothing is
        left behind; a story with frames, in memory or on disk, is never removed."""
        with self._lock:
            try:
                saved = Story.from_json((self.story_dir / self.story_file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, StoryError):
                return
            if not self._story.frames and not saved.frames and saved.id == self._story.id:
                shutil.rmtree(self.story_dir, ignore_errors=True)  # removes links, never what they point to

    def save(self) -> None:
        """Write the story file atomically (done after every change; public for new sessions)."""
        with self._lock:
            self._write(self._story)

    def _write(self, story: Story) -> None:
        file = self.story_dir / self.story_file
        try:
            if not self._on_disk:  # a new story's first save makes its folder
                self.story_dir.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(file, story.to_json().encode("utf-8"), root=self.story_dir)
            self._stamp = file_stamp(file)
            self._on_disk = True
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
        try:
            planned, report = plan_story(clean_text(idea, multiline=True).strip(), llm, frames=frames,
                                         style=style or self._story.style, settings=self._story.settings,
                                         small_llm=self._config.small_llm)
        except ValidationError as error:  # e.g. one 4,000-letter word: no frame text fits
            raise InvalidStoryError(f"I could not make a story from that idea ({validation_problem(error)}). "
                                    "Describe who it is about and what happens in a sentence or two.") from None
        note = note or report.llm_error and "The language model gave no usable plan, so the story was built from " \
            "your idea directly."
        with self._changing():
            fields = ("title", "identity_prompt", "cast", "style", "settings", "frames")  # a planned cast comes along
            content = {k: getattr(planned, k) for k in fields}
            story = self._story.changed("plan", **content).model_copy(update={"idea": planned.idea})
            self._set_story(story)
        indices, said = list(range(len(story.frames))), "\n>\n> ".join(n for n in [*report.notes, note] if n)
        return Reply(text=plan_text(story, report.language, said), changed=indices, to_render=indices,
                     choices=report.suggestions)

    def revise(self, message: str) -> Reply:
        """Apply a revision message; a question (and no change) when it is unclear or out of range."""
        message = clean_text(message, multiline=True).strip()
        try:
            llm = self._language_model()
        except StoryError:
            llm = None
        with self._changing():  # read the request against the story as saved now
            story = self._story
        if not story.frames:
            return _question("This story has no frames yet: send an idea (who it is about, what happens) to plan it.")
        try:
            parsed = parse_message(message, story, llm)
        except ValidationError as error:  # a reader built an operation that cannot exist
            return _question(f"I could not use that request ({validation_problem(error)}); nothing was changed.")
        if parsed.question:
            return Reply(text=parsed.question, question=parsed.question, choices=parsed.choices)
        reply = self._apply(parsed.ops)
        if parsed.choices and not reply.question:  # without a question, the reader's notes ("only 2 more moments")
            reply.text = f"{reply.text} {' '.join(parsed.choices)}"
        return reply

    def _apply(self, ops: list[edits.EditOp]) -> Reply:
        with self._changing():
            story, changed, named, summaries = self._story, set(), set(), []
            try:
                for op in ops:
                    result = edits.apply_edit(story, op)
                    restored = isinstance(op, edits.Undo | edits.Redo)  # a whole earlier version, captions too
                    story = result.story if restored else true_captions(story, result.story)
                    head = result.summary.split(":")[0] + ":"  # "The dog is now: …" said once, as it ends up
                    summaries = [s for s in summaries if not s.startswith(head)] + [result.summary]
                    changed.update(result.changed)
                    named.update(result.named)
                if not any(isinstance(op, edits.Undo | edits.Redo) for op in ops):
                    story = story.as_one_change(self._story)  # one request, one step back
                same_prefix = story.render_identity() == self._story.render_identity()
                if not same_prefix:
                    check_cast_budget(story)
                check_clip_budget(story, changed if same_prefix else range(len(story.frames)))
            except InvalidStoryError as error:
                return Reply(text=str(error), question=str(error))
            self._set_story(story)
            to_render = story.due_frames(self._model_name, named, usable=self._picture_ok)
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
        parsed = frame_text_edit(index, clean_text(text).strip(), self._story)
        return Reply(text=parsed.question, question=parsed.question) if parsed.question else self._apply(parsed.ops)

    def set_caption(self, index: int, text: str) -> Reply:
        """The person's own caption for frame `index` (the Caption button); kept until they change it."""
        caption = clean_text(text).strip()
        if not 0 < len(caption) <= 1000:
            return _question(f"A caption is 1 to 1,000 characters; frame {index + 1}'s caption is unchanged.")
        return self._apply([edits.SetCaption(frame=index, caption=caption)])

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
        except ValidationError as error:
            raise InvalidStoryError(f"That setting cannot be used ({validation_problem(error)}); the story keeps "
                                    "its settings.") from None
        reply = self._apply(ops) if ops else None
        if settings != self._story.settings:
            with self._changing():
                self._set_story(self._story.changed("settings", settings=settings))
            due = self._stale()
            text = settings_text(changes, due, self._story)
            if reply is not None:  # a style change too: both are said, and both changes' frames render
                text, due = f"{reply.text} {text}", sorted(set(reply.to_render) | set(due))
            return Reply(text=text, changed=due, to_render=due)
        return reply or Reply(text="Nothing changed.")


def _question(text: str) -> Reply:
    """A reply that changes nothing and says why."""
    return Reply(text=text, question=text)


def check_clip_budget(story: Story, frames) -> None:
    """Refuse an edit that would make a frame too long for CLIP with the character (every render of it, and
    1Prompt1Story's consolidated prompts of its neighbours, would fail later)."""
    from generator.tokens import CLIP_TOKEN_BUDGET, count_clip_tokens

    identity = story.render_identity()
    for index in frames:
        if index < len(story.frames):
            tokens = count_clip_tokens(f"{identity} {story.frames[index].prompt}")
            if tokens > CLIP_TOKEN_BUDGET:
                raise InvalidStoryError(
                    f"Frame {index + 1} would be {tokens} CLIP tokens together with the character and style; at "
                    f"most {CLIP_TOKEN_BUDGET} fit. Nothing was changed: say it in fewer words."
                )
