"""Errors meant for the person using Storyloom: each message says what went wrong and what to do."""


class StoryError(Exception):
    """Base of every error Storyloom shows to a user (the app answers it in chat, the CLIs print it)."""


class InvalidStoryError(StoryError, ValueError):
    """The story given to the generator is unusable (empty prompts, no frames, bad frame index...)."""


class PromptTooLongError(InvalidStoryError):
    """An identity prompt plus one frame prompt exceeds CLIP's 77-token window."""

    def __init__(self, frame_index: int, token_count: int, budget: int):
        self.frame_index = frame_index
        self.token_count = token_count
        self.budget = budget
        super().__init__(
            f"Frame {frame_index + 1} is too long: the identity prompt plus this frame take "
            f"{token_count} CLIP tokens, but at most {budget} fit. Shorten the frame or the identity prompt."
        )


class CastTooLongError(InvalidStoryError):
    """A cast's shared prefix (style and every character) takes more CLIP tokens than leave room for two frames."""

    def __init__(self, token_count: int, budget: int, parts: list[tuple[str, int]]):
        self.token_count, self.budget, self.parts = token_count, budget, parts
        named = ", ".join(f"{label}: {tokens}" for label, tokens in parts)
        super().__init__(
            f"The cast and the style take {token_count} CLIP tokens ({named}), but at most {budget} fit, so that "
            "every picture window still holds two frames. Shorten a character's description or the style."
        )


class StorySaveError(StoryError):
    """The story (or a frame's picture) could not be written: a read-only folder, a full disk."""


class StoryGoneError(StorySaveError):
    """The story's folder was removed while the story was open; it is never silently recreated."""

    def __init__(self, folder):
        super().__init__(f"This story was removed from disk (its folder {folder} is gone), so nothing more is saved "
                         "and nothing was recreated. Start a new chat for a new story.")


class UnsafeStoryFolderError(StorySaveError):
    """Something in a story folder is a link (or a folder where a file belongs): Storyloom never writes through it."""

    def __init__(self, path, what: str):
        super().__init__(f"{path} is {what}, so Storyloom does not write there (it never follows a link out of a "
                         "story folder). Nothing was changed; remove it and try again.")


class ModelNotFoundError(StoryError):
    """No usable image model where the settings point."""


class RenderCancelled(StoryError):
    """The render was stopped by the user; ``finished`` holds the frames completed before the stop."""

    def __init__(self, finished: dict | None = None):
        self.finished = dict(finished or {})
        super().__init__(f"Render stopped; {len(self.finished)} finished frame(s) kept.")


class OutOfMemoryError(StoryError):
    """The device ran out of memory while rendering."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "The image model ran out of memory. Try a smaller image size, a batch size of 1, "
            "or fewer steps." + (f" ({detail})" if detail else "")
        )


def validation_problem(error) -> str:
    """The first problem of a pydantic ValidationError as a short phrase: "frames.0.prompt: String should have at
    most 600 characters" (for sentences that say what to do, instead of pydantic's whole report)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first['msg']}" if where else first["msg"]


def error_line(error: Exception, log=None, level: int = 20, hint: str = "") -> str:
    """One line for a command line's stderr: a Storyloom error's own words, a file error's reason and path, else
    what happened and `hint` (its traceback goes to `log` at `level`, by default INFO)."""
    if isinstance(error, StoryError):
        text = str(error)
    elif isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        text = f"{error.strerror or error}{where}"
    else:
        if log is not None:
            log.log(level, "unexpected failure", exc_info=error)
        text = f"unexpected {type(error).__name__}: {error}" + (f" ({hint})" if hint else "")
    return "error: " + " ".join(text.split())[:600]
