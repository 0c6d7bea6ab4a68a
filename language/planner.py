"""Planning: an idea (any language, up to MAX_IDEA_CHARS) becomes a `Story` with an identity and N frames.

The deterministic reading of the idea (`language.events`) always runs first and gives one beat per frame. The
LLM is then asked for the whole plan with those beats as suggestions, and every field it returns is checked
and repaired (`language.prompt_repair`); a field that fails is taken from the deterministic reading instead.
A large model writes most of the plan; the embedded 135M model mostly rephrases, and the plan stays usable.

Text in the idea is story material: it is fenced in the prompt, and output that echoes our instructions is
rejected, so "ignore previous instructions" becomes a (strange) story, never a command.

Longer than 300 lines: the plan's three choices (character, frames, title), each between the model's
text and the reading's, with the checks that decide; the checks themselves live in prompt_repair and identity.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import InvalidStoryError
from core.settings import GenerationSettings
from core.story import MAX_FRAMES, MAX_IDEA_CHARS, Frame, Story
from core.styles import DEFAULT_NEGATIVE_PROMPT, DEFAULT_STYLE, compose_identity
from language.events import (
    analyse_idea,
    default_frame_count,
    identity_from_analysis,
    normalize_idea,
)
from language.identity import identity_problem, read_look, title_problem
from language.plan_request import ask_for_plan, rephrase_problem, wants_compact_request
from language.prompt_repair import (
    ALL_PRONOUNS,
    CLIP_BUDGET,
    content_words,
    fit_frame,
    fit_tokens,
    is_english,
    refine,
    resolve_pronouns,
    similarity,
    strip_junk,
    strip_subject,
)
from llm.chat import ChatModel
from llm.prompts import load_template

log = logging.getLogger(__name__)

IDENTITY_TOKEN_BUDGET = 45  # identity + style phrase; leaves >= 30 CLIP tokens for every frame
_JUNK = re.compile(r"[{}\[\]<>|]|\bjson\b|\bprompt\b|\bidentity\b|\bframe\b", re.IGNORECASE)
_STORY_OF = re.compile(r"\b(?:story|stories|adventures?|tale|legend) of\b|\bscenes?\b", re.IGNORECASE)
_DANGLING = re.compile(r"(?:\s+(?:a|an|the|and|or|of|to|in|on|at|with|for|who|that|her|his|its|their))+$",
                       re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "with", "by"}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass
class PlanReport:
    """How a plan was made: which parts came from the LLM and what was repaired (for replies and the bench)."""

    language: str
    frames_from_llm: int = 0
    frames_from_beats: int = 0
    identity_from_llm: bool = False
    title_from_llm: bool = False
    llm_attempts: int = 0
    llm_error: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class IdeaError(InvalidStoryError):
    """The idea cannot be planned (empty or too long)."""


def check_idea(idea: str) -> str:
    """The normalized idea; IdeaError when empty or longer than MAX_IDEA_CHARS."""
    text = normalize_idea(idea or "")
    if not any(ch.isalnum() or ord(ch) > 0x2000 for ch in text):
        raise IdeaError("Write an idea for the story first, for example: 'a fox finds a lantern in the snow'.")
    if len(text) > MAX_IDEA_CHARS:
        raise IdeaError(
            f"The idea is {len(text):,} characters long; at most {MAX_IDEA_CHARS:,} fit. "
            "Shorten it to the main events, one sentence per picture."
        )
    return text


def check_frame_count(frames: int | None, idea: str) -> int:
    if frames is None:
        return default_frame_count(idea)
    if not 1 <= frames <= MAX_FRAMES:
        raise InvalidStoryError(f"A story has 1 to {MAX_FRAMES} frames; {frames} was asked for.")
    return frames


def leaks_instructions(text: str) -> bool:
    """Whether `text` repeats five consecutive words of our planning prompts (an echo, not story content)."""
    grams = set()
    for name in ("plan_system", "plan_user", "plan_compact"):
        words = re.findall(r"[a-z]+", load_template(name).template.lower())
        grams |= {" ".join(words[i:i + 5]) for i in range(len(words) - 4)}
    mine = re.findall(r"[a-z]+", text.lower())
    return any(" ".join(mine[i:i + 5]) in grams for i in range(len(mine) - 4))


def drop_identity_phrases(frame: str, identity: str) -> str:
    """Remove comma phrases of a frame that only restate the identity ("wearing a red scarf")."""
    identity_words = content_words(identity)
    kept = [p.strip() for p in frame.split(",")
            if p.strip() and not (content_words(p) and content_words(p) <= identity_words)]
    return ", ".join(kept)


def clean_frame(text: str, character: str, names: tuple[str, ...], identity: str, previous: str) -> str:
    """An LLM or beat frame reduced to action + setting, with pronouns resolved."""
    text = re.sub(r"^(?:and|then|so)\s+", "", strip_junk(text), flags=re.IGNORECASE)
    text = strip_subject(text, character, names, identity)
    text = re.sub(r"^(?:and|then|so)\s+", "", text, flags=re.IGNORECASE)  # "A boy and his cat..." → "his cat..."
    text = resolve_pronouns(text, character, previous)
    text = drop_identity_phrases(text, identity)
    text = " ".join(text.split()).strip(" ,")
    if len(text) > 1 and text[0].isupper() and (text[1].islower() or text[:2] == "A ") \
            and text.split()[0] not in names:
        text = text[0].lower() + text[1:]  # "Looking out..." → "looking out..." (names keep their capital)
    return text


def clean_title(raw: str) -> str:
    """A model's title without a word cut at the length limit or a dangling "and a" ("...Raincoat and Blue C")."""
    title = strip_junk(raw)
    if len(raw.strip()) in (40, 60) and " " in title:  # the grammar stopped it mid-word at its length limit
        title = re.sub(r"\s+(?:and|or|with|in|of|the|a)\s+\S+$", "", title.rsplit(" ", 1)[0])  # "and Blue"
    for _ in range(3):
        title = _DANGLING.sub("", title).strip(" ,;:-")
    return title


def description_only(identity: str) -> str:
    """An identity without its action or place phrases ("..., waiting at a rainy train station"), lower-cased."""
    kept = [p.strip() for p in identity.split(",")
            if not re.match(r"^(?!wearing|holding|carrying)[a-z]+ing\b|^(?:at|on|in|inside|near|by) the\b", p.strip())]
    text = ", ".join(p for p in kept if p)
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def caption_for(frame: str, character: str) -> str:
    """A reader's sentence for a frame: "The fox is searching the woods." / "A crow helps."."""
    first = frame.split()[0].lower() if frame.split() else ""
    if first in ("a", "an", "the") or not first.isalpha():
        return frame[:1].upper() + frame[1:] + "."
    return f"The {character} {'is ' if first.endswith('ing') else ''}{frame}."


def frame_problem(text: str, identity: str, earlier: list[str]) -> str | None:
    """Why a cleaned frame is unusable, or None."""
    words = text.split()
    if len(words) < 2:
        return "too short"
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(words) <= 8 and significant and all(w[:1].isupper() for w in significant):
        return "a title, not a scene"
    if not is_english(text):
        return "not English"
    if _JUNK.search(text) or leaks_instructions(text) or _STORY_OF.search(text):
        return "junk, a title or an instruction echo"
    if identity.lower() in text.lower() or similarity(text, identity) > 0.6:
        return "repeats the identity"
    if any(text.lower() == e.lower() or similarity(text, e) > 0.75 for e in earlier):
        return "duplicate"
    if any(w.lower().strip(",.") in ALL_PRONOUNS | {"you", "your", "yours", "yourself"} for w in text.split()):
        return "unresolved pronoun"
    return None


def _valid_caption(text: str, language: str) -> bool:
    if not text or _JUNK.search(text) or leaks_instructions(text) or len(text) > 240:
        return False
    return bool(_CJK.search(text)) if language == "zh" else language != "en" or is_english(text)


def plan_story(
    idea: str,
    llm: ChatModel | None,
    *,
    frames: int | None = None,
    style: str | None = None,
    settings: GenerationSettings | None = None,
    count_tokens: Callable[[str], int] | None = None,
    small_llm: bool = False,
) -> tuple[Story, PlanReport]:
    """Plan a story.

    Args:
        idea: the person's words, any language, at most MAX_IDEA_CHARS characters.
        llm: the language model, or None for the deterministic plan alone.
        frames: number of frames (1-12); None = 4-6 depending on the idea.
        style: a preset name from core.styles (or a free style phrase); None = the default preset.
        settings: generation settings to keep (seed, steps...); None = defaults with a negative prompt.
        count_tokens: CLIP token counter; default generator.tokens.count_clip_tokens.
    """
    started = time.perf_counter()
    text = check_idea(idea)
    count = check_frame_count(frames, text)
    style = style or DEFAULT_STYLE
    if count_tokens is None:
        from generator.tokens import count_clip_tokens as count_tokens
    analysis = analyse_idea(text, count)
    report = PlanReport(language=analysis.language)
    draft = None
    if llm is not None and wants_compact_request(llm) and not small_llm:
        llm = None  # the embedded 135M model adds nothing to the parse (README: "Language"), only seconds
        report.notes.append("small language model not used for planning")
    if llm is not None:
        draft, report.llm_attempts, report.llm_error = ask_for_plan(llm, text, count, analysis)
    compact = llm is not None and wants_compact_request(llm)

    character, identity = _identity(draft, analysis, report)
    style_room = IDENTITY_TOKEN_BUDGET - (count_tokens(compose_identity("x", style)) - 1)
    identity = fit_tokens(identity, max(style_room, 8), count_tokens, keep_words=3)
    frames_of = _FramePicker(analysis, draft, report, character, identity, compose_identity(identity, style),
                             count, count_tokens, compact)
    for index in range(count):
        frames_of.pick(index)
    title = _title(draft, analysis, character, report)
    story = Story(
        title=title or analysis.title[:80],
        identity_prompt=identity,
        style=style,
        settings=settings or GenerationSettings(negative_prompt=DEFAULT_NEGATIVE_PROMPT),
        frames=[Frame(prompt=p, caption=c[:1000]) for p, c in zip(frames_of.prompts, frames_of.captions,
                                                                   strict=True)],
        idea=text,
    )
    report.seconds = time.perf_counter() - started
    return story, report


def _identity(draft, analysis, report: PlanReport) -> tuple[str, str]:
    """The main character's noun and description: the model's when it passes every check, else the reading's."""
    character = analysis.character
    if draft and analysis.character == "traveler":  # the idea named no known character; trust the model's
        candidate = strip_junk(draft.character).lower()
        if is_english(candidate) and 1 <= len(candidate.split()) <= 2 and candidate not in ALL_PRONOUNS:
            character = candidate.split()[-1]
            analysis.descriptors = ""  # "curious young" was invented for the traveler, not said of this one
    identity = description_only(strip_junk(draft.identity_prompt)) if draft else ""
    look = analysis.look if analysis.look and analysis.look.noun == character else \
        read_look(analysis.english, character, analysis.descriptors)
    problem = identity_problem(identity, look, analysis.actions) if draft else "no model"
    if problem is None and (not is_english(identity) or _JUNK.search(identity) or leaks_instructions(identity)):
        problem = "junk, not English, or an instruction echo"
    report.identity_from_llm = problem is None
    if problem is not None:
        if draft:
            report.notes.append(f"identity: model text rejected ({problem})")
        analysis.character = character
        identity = identity_from_analysis(analysis)
    return character, identity


@dataclass
class _FramePicker:
    """Chooses each frame's prompt and caption: the model's when it passes every check, else the reading's beat."""

    analysis: object
    draft: object
    report: PlanReport
    character: str
    identity: str
    full_identity: str
    count: int
    count_tokens: Callable[[str], int]
    compact: bool
    prompts: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)  # the frames before refinement, for the duplicate check
    captions: list[str] = field(default_factory=list)

    def model_frame(self, index: int, previous: str) -> str | None:
        """The model's frame `index`, cleaned, or None when it has none or it fails a check (noted)."""
        llm_frames = self.draft.frames[: self.count] if self.draft else []
        if index >= len(llm_frames):
            return None
        analysis, report, bases = self.analysis, self.report, self.bases
        candidate = clean_frame(llm_frames[index].prompt, self.character, analysis.names, self.identity, previous)
        problem = frame_problem(candidate, self.identity, bases)
        if problem is None and len(candidate.split()) < 3:
            problem = "too short"  # "the dragon": a model's bare noun is no scene
        if problem is None and self.draft.title and similarity(candidate, self.draft.title) > 0.6:
            problem = "repeats the title"
        if problem is None and self.compact:  # a small model was asked to rephrase the beats in order
            problem = rephrase_problem(candidate, analysis.beats, index, bases)
        if problem is not None:
            report.notes.append(f"frame {index + 1}: model text rejected ({problem})")
            return None
        report.frames_from_llm += 1
        return candidate

    def beat_frame(self, index: int, previous: str) -> str:
        analysis, character = self.analysis, self.character
        self.report.frames_from_beats += 1
        if analysis.parsed:
            return analysis.beats[index]  # already a frame: subject gone, pronouns resolved
        chosen = clean_frame(analysis.beats[index], character, analysis.names, self.identity, previous)
        if frame_problem(chosen, self.identity, self.bases) is not None and len(chosen.split()) < 2:
            from language.reading import TIME_SPANS  # the character at a moment of the day, never a stock scene

            chosen = f"the {character} {TIME_SPANS['day'][index % len(TIME_SPANS['day'])]}"
        return chosen

    def pick(self, index: int) -> None:
        analysis, character = self.analysis, self.character
        previous = self.prompts[-1] if self.prompts else ""
        chosen = self.model_frame(index, previous)
        from_llm = chosen is not None
        if chosen is None:
            chosen = self.beat_frame(index, previous)
        self.bases.append(chosen)
        self.prompts.append(fit_frame(self.full_identity, refine(chosen, index, self.count), self.count_tokens,
                                      CLIP_BUDGET))
        # The model's caption only goes with the model's own frame, and must be new.
        caption = strip_junk(self.draft.frames[index].caption) if from_llm else ""
        if analysis.parsed and not from_llm:
            caption = analysis.captions[index]  # a full sentence for the picture actually chosen
        elif not (_valid_caption(caption, analysis.language) and caption not in self.captions):
            caption = analysis.captions[index]
            beat = clean_frame(analysis.beats[index], character, analysis.names, self.identity, previous)
            if (from_llm or analysis.language == "en") and similarity(self.bases[-1], beat) < 0.3:
                caption = caption_for(self.bases[-1], character)  # the beat's caption would describe another picture
        self.captions.append(caption)


def _title(draft, analysis, character: str, report: PlanReport) -> str:
    """The model's title when it passes every check (noted in the report), else "" (the reading's is used)."""
    title = clean_title(draft.title) if draft else ""
    problem = title_problem(title, character, analysis.english) if title else "empty"
    if problem is None and not content_words(title) & (
            content_words(analysis.english) | {character, *(n.lower() for n in analysis.names)}):
        problem = "shares no word with the idea"  # "The Tower of the Golden Chalice" for "dragon"
    title_language = "en" if analysis.language == "zh" else analysis.language  # an English title for Chinese
    if problem is None and not (_valid_caption(title, title_language) and len(title.split()) <= 12):
        problem = "junk, wrong language or too long"
    report.title_from_llm = problem is None
    if draft and problem is not None:
        report.notes.append(f"title: model text rejected ({problem})")
    return title if report.title_from_llm else ""
