"""Checks and repairs for planned prompts: junk, pronouns, repeated identity, detail, and the CLIP budget.

Pure functions on strings. The planner runs every LLM-written prompt through them, so even a tiny model's
output ends up as frames that hold only action and setting, in English, within CLIP's 77 tokens.

* Co-reference: pronouns that point at the main character are resolved to it, as StoryGPT-V does before
  rendering; a leading subject is dropped because the identity prompt already carries the character
  (1Prompt1Story frames are "running in the park", not "the fox runs in the park").
* Refinement: short, coarse frames get camera framing and lighting, the fine-grained details image models
  respond to (UF-FGTG), only while the token budget allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.errors import InvalidStoryError
from core.story import Story

CLIP_BUDGET = 75  # content tokens between SOT and EOT (generator.tokens.CLIP_TOKEN_BUDGET)

_LABELS = r"(?:frame|panel|scene|picture|image|shot|step|page|prompt|caption|beat)"
_PREFIX = re.compile(
    rf"^\s*(?:[-*•#>]+\s*)?(?:{_LABELS}\s*(?:\d{{1,2}}\s*[.):：\-–—]?|[:：\-–—])|\(?\d{{1,2}}\s*[.):：\-–—])?\s*",
    re.IGNORECASE,
)
_QUOTES = "\"'`“”‘’«»*_#"
SUBJECT_PRONOUNS = {"he", "she", "it", "they", "i", "we"}
OBJECT_PRONOUNS = {"him", "her", "them", "me", "us", "himself", "herself", "itself", "themselves"}
POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "my", "our"}
ALL_PRONOUNS = SUBJECT_PRONOUNS | OBJECT_PRONOUNS | POSSESSIVE_PRONOUNS
_AUXILIARIES = r"(?:is|was|are|were|has been|had been|will be|'s|is now|then|also|now|finally|suddenly)"
_NOT_NOUNS = {"a", "an", "the", "to", "of", "in", "on", "at", "and", "with", "for", "from", "by", "up", "down",
              "into", "onto", "out", "over", "under", "through", "as", "while", "when", ""}
_FRAMING_WORDS = ("shot", "close-up", "closeup", "view", "angle", "portrait", "panorama", "framing")
_LIGHT_WORDS = ("light", "lit", "glow", "sunset", "sunrise", "dawn", "dusk", "night", "shadow", "sunny",
                "moon", "lamp", "candle", "golden hour", "overcast", "bright", "dark", "star", "campfire", "fire",
                "evening", "midnight", "twilight", "lantern")


def strip_junk(text: str) -> str:
    """Remove numbering ("1.", "Frame 2:"), markdown, quotes and end punctuation; collapse whitespace."""
    text = " ".join(text.replace("\\n", " ").split())
    for _ in range(3):
        stripped = _PREFIX.sub("", text.strip(_QUOTES + " "))
        stripped = stripped.strip(_QUOTES + " ").rstrip(".!?;:,。！？").strip(_QUOTES + " ")
        if stripped == text:
            break
        text = stripped
    return " ".join(text.split())


def is_english(text: str) -> bool:
    """True when every letter is basic Latin (CLIP reads English; CJK or other scripts are not usable)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isascii() for ch in letters)


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _NOT_NOUNS and len(w) > 2}


def similarity(first: str, second: str) -> float:
    """Jaccard overlap of content words (0 = unrelated, 1 = the same words)."""
    a, b = content_words(first), content_words(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def last_object(text: str, character: str) -> str | None:
    """The last 'a/an/the X' noun phrase in `text` that is not the character (antecedent for 'it')."""
    found = None
    for match in re.finditer(r"\b(?:a|an|the)\s+([a-z-]+)(?:\s+([a-z-]+))?", text.lower()):
        words = [w for w in match.groups() if w]
        if words[0] in _NOT_NOUNS or words[0] in ALL_PRONOUNS:
            continue
        if len(words) > 1 and (words[1] in _NOT_NOUNS or words[1] in ALL_PRONOUNS):
            words = words[:1]
        phrase = " ".join(words)
        if character not in phrase.split():
            found = phrase
    return found


def resolve_pronouns(text: str, character: str, previous: str = "") -> str:
    """Replace pronouns with the character ('the fox', "the fox's"); 'it'/'them' with an earlier object.

    Args:
        text: one frame prompt, already without its leading subject.
        character: the main character's noun ("fox").
        previous: the previous frame's prompt, searched for an antecedent of 'it'.
    """
    words = text.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        bare = word.strip(",.;:!?").lower()
        tail = word[len(word.rstrip(",.;:!?")):]
        nxt = words[index + 1].strip(",.;:!?").lower() if index + 1 < len(words) else ""
        if bare in ("it", "them", "itself", "themselves"):
            antecedent = last_object(" ".join(out), character) or last_object(previous, character)
            if antecedent:
                out.append(f"the {antecedent}{tail}")
            elif tail and out:
                out[-1] += tail
            continue
        if bare == "its":  # usually a thing's ("follows its light"): the article reads right without guessing
            out.append(f"the{tail}")
        elif bare in POSSESSIVE_PRONOUNS and (bare != "her" or (nxt and nxt not in _NOT_NOUNS)):
            out.append(f"the {character}'s{tail}")
        elif bare in ALL_PRONOUNS:
            out.append(f"the {character}{tail}")
        else:
            out.append(word)
    return " ".join(out)


_LEAD_IN = (r"(?:(?P<lead>then|and|so|together|later|finally|suddenly|soon|there|"
            r"one (?:night|day|morning|evening)|at (?:last|night|dawn|dusk))\s*,?\s+)")
_ARTICLES = r"(?:the|a|an|our|this|that|little|young|old|brave|small|tiny|big)"


def strip_subject(text: str, character: str, names: tuple[str, ...] = (), identity: str = "") -> str:
    """Drop a leading subject (pronoun, name, the character or the identity prompt) and its auxiliary verb.

    A time lead-in ("One night she finds ...") moves to the end ("finds ..., one night") so it is not lost.
    """
    result = text
    if identity and result.lower().startswith(identity.lower().rstrip(",. ")):
        result = result[len(identity.rstrip(",. ")):].lstrip(" ,")
    named = r"(?:\s+(?:named|called)\s+[A-Za-z]+)?"
    nouns = "|".join(re.escape(n) + named for n in (*names, character) if n)
    subject = (rf"(?:{_ARTICLES}\s+(?:[a-z-]+\s+){{0,2}}?(?:{nouns})|(?:{nouns})|he|she|it|they|i|we)")
    pattern = rf"^{_LEAD_IN}*{subject}(?:'s)?\b\s*,?\s*(?:{_AUXILIARIES}\b\s*)?"
    match = re.match(pattern, result, flags=re.IGNORECASE)
    if match and len(result) - match.end() >= 3:
        lead = match.group("lead")
        result = result[match.end():]
        if lead and lead.lower() not in ("then", "and", "so", "together", "there", "soon"):
            result = f"{result.rstrip(' ,')}, {lead.lower()}"
    return result.strip(" ,")


def refine(text: str, index: int, count: int) -> str:
    """Add framing and lighting to a coarse frame (UF-FGTG's coarse-to-fine idea, rule-based)."""
    lower = text.lower()
    prefix = lambda words: any(re.search(rf"\b{re.escape(w)}", lower) for w in words)  # noqa: E731 "moonlit"
    has = lambda words: any(re.search(rf"\b{re.escape(w)}(?:s|es|y)?\b", lower) for w in words)  # noqa: E731
    additions = []
    if not prefix(_FRAMING_WORDS):
        if index == 0:
            additions.append("wide establishing shot")
        elif index == count - 1:
            additions.append("wide shot")
        else:
            additions.append(("medium shot", "full body shot", "close-up")[index % 3])
    if not prefix(_LIGHT_WORDS):
        if has(("rain", "storm", "fog")):
            additions.append("moody overcast light")
        elif has(("cave", "underground", "tunnel")):
            additions.append("warm torchlight")
        elif has(("underwater", "sea", "ocean", "lake")):
            additions.append("shimmering blue light")
        else:
            additions.append("soft daylight")
    return ", ".join([text, *additions])


def fit_tokens(text: str, budget: int, count: Callable[[str], int], keep_words: int = 2) -> str:
    """Shorten `text` until `count(text) <= budget`: drop trailing comma phrases, then trailing words."""
    while count(text) > budget:
        phrases = [p.strip() for p in text.split(",") if p.strip()]
        if len(phrases) > 1:
            text = ", ".join(phrases[:-1])
            continue
        words = text.split()
        if len(words) <= keep_words:
            break
        text = " ".join(words[:-1])
    return text


def fit_frame(identity: str, frame: str, count: Callable[[str], int], budget: int = CLIP_BUDGET) -> str:
    """The frame shortened so that `identity + " " + frame` fits CLIP's window."""
    room = budget - count(identity)
    return fit_tokens(frame, room, count)


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
