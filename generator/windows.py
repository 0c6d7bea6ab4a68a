"""Circular sliding windows under CLIP's token budget (1Prompt1Story prompt consolidation, spec §1.4).

Frame j leads its own window ``[P_j, P_{j+1}, ..., P_{j+w-1}]`` (indices mod N) and is the frame expressed;
the others in the window are suppressed. When the whole story fits, every window is the whole story in
its original order, as in the reference's Case A, so all frames share one consolidated prompt.

The reference caps one window length for the whole story by counting *words* from the start of the
list (spec §6 bug 1); here each window grows while the identity prompt plus its frames fit in 75 real CLIP
tokens and ``window_length`` allows, so no window is ever truncated by the text encoder.
"""

from collections.abc import Sequence

from core.errors import CastTooLongError, InvalidStoryError, PromptTooLongError
from generator.tokens import CAST_TOKEN_BUDGET, CLIP_TOKEN_BUDGET


def check_cast_budget(parts: Sequence[tuple[str | None, str, int]], budget: int = CAST_TOKEN_BUDGET) -> None:
    """Refuse a cast of two or more characters whose shared prefix takes more than ``budget`` CLIP tokens.

    Args:
        parts: one ``(character id or None for shared text, label, tokens)`` per prefix piece. A single character
            (a plain identity prompt) keeps the reference's only rule: identity plus one frame fit in 75 tokens.
    Raises:
        CastTooLongError: naming every character and the style with its token count; nothing is ever cut.
    """
    total = sum(tokens for _, _, tokens in parts)
    if len({owner for owner, _, _ in parts if owner is not None}) >= 2 and total > budget:
        raise CastTooLongError(total, budget, [(label or "the style", tokens) for _, label, tokens in parts])


def circular_windows(
    identity_tokens: int, frame_tokens: Sequence[int], window_length: int, budget: int = CLIP_TOKEN_BUDGET
) -> list[list[int]]:
    """Frame indices of each frame's window.

    Args:
        identity_tokens: content tokens of the identity prompt.
        frame_tokens: content tokens of each frame prompt, in story order (N entries).
        window_length: the most frames one window may hold (reference default 10).
        budget: content tokens available (75 for CLIP).

    Returns:
        N lists of frame indices in prompt order; frame j is expressed in list j. A partial window starts
        with j and continues forward circularly; a window holding every frame keeps story order.

    Raises:
        PromptTooLongError: identity plus one frame alone exceeds the budget.
    """
    if window_length < 1:
        raise InvalidStoryError("window_length must be at least 1")
    count = len(frame_tokens)
    if identity_tokens >= budget:
        raise InvalidStoryError(
            f"The identity prompt alone takes {identity_tokens} CLIP tokens, leaving no room for a frame "
            f"(at most {budget} fit). Shorten the character description."
        )
    for index, tokens in enumerate(frame_tokens):
        if identity_tokens + tokens > budget:
            raise PromptTooLongError(index, identity_tokens + tokens, budget)
    limit = min(window_length, count)
    windows = []
    for lead in range(count):
        window, used = [lead], identity_tokens + frame_tokens[lead]
        while len(window) < limit:
            following = (lead + len(window)) % count
            if used + frame_tokens[following] > budget:
                break
            window.append(following)
            used += frame_tokens[following]
        windows.append(sorted(window) if len(window) == count else window)
    return windows
