"""CLIP token accounting: the packaged tokenizer, token counts, and the exact layout of a consolidated prompt.

The reference finds a frame's tokens by searching for the first occurrence of its token sequence in the
consolidated prompt (spec §2.2), which picks the wrong rows when a frame repeats words of the identity
prompt or of another frame (spec §6 bug 2). Here positions are known by construction: each piece (each piece
of a cast's prefix too) is tokenized on its own and offsets are accumulated. That is exact because CLIP's
pre-tokenizer never lets a token cross whitespace, so tokens("a b") == tokens("a") + tokens("b");
`consolidate` checks it anyway.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.cast import IdentityPiece

CLIP_MAX_LENGTH = 77  # SDXL's text encoders read exactly 77 positions: SOT, content, EOT, padding
CLIP_TOKEN_BUDGET = CLIP_MAX_LENGTH - 2  # content tokens that fit between SOT and EOT
CAST_TOKEN_BUDGET = 45  # style + every character of a cast: leaves ≥ 30 tokens, two frames per window (B6)
TOKENIZER_DIR = Path(__file__).parent / "assets" / "clip_tokenizer"


@lru_cache(maxsize=1)
def load_clip_tokenizer():
    """The real CLIP BPE tokenizer (ids identical to SDXL's two tokenizers), from package data; no download.

    Imported from its own module: `transformers`' lazy top-level attributes are not safe to resolve while another
    thread imports the library (the app loads the image model while a chat plans its first story)."""
    from transformers.models.clip.tokenization_clip import CLIPTokenizer

    return CLIPTokenizer(
        str(TOKENIZER_DIR / "vocab.json"),
        str(TOKENIZER_DIR / "merges.txt"),
        pad_token="<|endoftext|>",
        model_max_length=CLIP_MAX_LENGTH,
    )


def content_token_ids(tokenizer, text: str) -> list[int]:
    """Token ids of ``text`` without SOT/EOT and without truncation."""
    return list(tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])


def count_clip_tokens(text: str, tokenizer=None) -> int:
    """Number of CLIP content tokens in ``text`` (what counts against CLIP_TOKEN_BUDGET)."""
    return len(content_token_ids(tokenizer or load_clip_tokenizer(), text))


@dataclass(frozen=True)
class PromptLayout:
    """A consolidated prompt and where each of its pieces sits among the 77 encoder positions.

    Positions count from 0 = SOT. ``identity`` spans the shared prefix (1..L): the identity prompt, or a cast's
    style phrase and members; ``owners`` splits it by piece, each span with the cast member it describes (None =
    shared by every frame: the style, or a plain identity prompt); ``frames[k]`` spans the k-th frame of the window;
    ``eot`` is the real EOT plus every padding position (spec §2.2).
    """

    text: str
    identity: range
    frames: tuple[range, ...]
    eot: range
    owners: tuple[tuple[str | None, range], ...] = ()

    @property
    def content_length(self) -> int:
        return self.eot.start - 1

    @property
    def characters(self) -> tuple[str, ...]:
        """The cast members the prefix describes, in prefix order."""
        return tuple(owner for owner, _ in self.owners if owner is not None)

    def hidden(self, presence: Sequence[str] | None) -> tuple[range, ...]:
        """The spans of the members absent from a frame showing ``presence`` (None = everyone: nothing hidden)."""
        if presence is None:
            return ()
        return tuple(span for owner, span in self.owners if owner is not None and owner not in presence)


def consolidate(tokenizer, identity_prompt: str | Sequence[IdentityPiece],
                window_prompts: Sequence[str]) -> PromptLayout:
    """Join the shared prefix and the window's frame prompts with spaces and lay out their token spans.

    Args:
        identity_prompt: the identity prompt as one text (one shared span), or a cast's prefix piece by piece
            (`core.cast.compose_prefix`), each piece tokenized on its own so its span is exact.
        window_prompts: the window's frame prompts, in prompt order.
    Raises ValueError when the pieces do not fit in the 77-token window (callers check the budget first)
    or when piecewise tokenization disagrees with tokenizing the whole text.
    """
    prefix = [IdentityPiece(text=identity_prompt)] if isinstance(identity_prompt, str) else list(identity_prompt)
    pieces = [piece.text for piece in prefix] + list(window_prompts)
    piece_ids = [content_token_ids(tokenizer, piece) for piece in pieces]
    spans, start = [], 1  # position 0 is SOT
    for ids in piece_ids:
        spans.append(range(start, start + len(ids)))
        start += len(ids)
    if start - 1 > CLIP_TOKEN_BUDGET:
        raise ValueError(f"consolidated prompt has {start - 1} tokens; at most {CLIP_TOKEN_BUDGET} fit")
    text = " ".join(pieces)
    if content_token_ids(tokenizer, text) != [token for ids in piece_ids for token in ids]:
        raise ValueError(f"tokenizing the pieces separately disagrees with the whole prompt: {text!r}")
    owners = tuple((piece.character, span) for piece, span in zip(prefix, spans, strict=False))
    identity = range(1, spans[len(prefix) - 1].stop)
    return PromptLayout(text=text, identity=identity, frames=tuple(spans[len(prefix):]),
                        eot=range(start, CLIP_MAX_LENGTH), owners=owners)
