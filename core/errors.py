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
