"""Revising by message: command syntax first, then the request readers and the operation table, then a capable
LLM (in the same operations), else a short question with the likely requests as buttons. Nothing changes when a
request is impossible or unclear.
"""

from __future__ import annotations

import logging
import re

from core import edits
from core.errors import InvalidStoryError
from language.commands import read_command
from language.lexicon import TABLE
from language.requests import Parsed, ask, read
from llm.chat import ChatModel, LLMError, is_small
from llm.prompts import render_prompt

log = logging.getLogger(__name__)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def examples(language: str = "en") -> list[str]:
    """One example per operation of the table, in `language` (the help text, the LLM's instructions, a test)."""
    return [row["examples"][language][0] for row in TABLE.rows if row.get("examples", {}).get(language)]


def help_text() -> str:
    return "You can say, for example: " + "; ".join(f"“{e}”" for e in examples()) + "."


def english_text(text: str, story) -> str | None:
    """A frame text in English: as given, or read from Chinese (None when it cannot be)."""
    if not CJK.search(text):
        return text.strip() or None
    from language.chinese_scene import english_scene

    return english_scene(text, story) or None


def frame_text_edit(index: int, text: str, story) -> Parsed:
    """The Edit button's new text for frame `index` (0-based), as an operation (never re-read as a request)."""
    from language.captions import caption_for

    total = len(story.frames)
    if not 0 <= index < total:
        return ask(f"There is no frame {index + 1}. There are only {total} frames. Nothing was changed.")
    english = english_text(text, story)
    if not english:
        return ask("I could not turn that into an English picture description. Please write it in English.")
    caption = text.strip() if english != text.strip() else caption_for(english, story)
    return Parsed([edits.SetText(frame=index, text=english, caption=caption)])


def parse_message(message: str, story, llm: ChatModel | None = None) -> Parsed:
    """Read a revision message against `story`.

    Args:
        message: what the person wrote (any language).
        story: the story as saved now (its frames, character and undo history).
        llm: a language model for requests the readers cannot place; the embedded small model is not used.
    """
    if not message or not message.strip():
        return ask(f"What should change? {help_text()}")
    command = read_command(message, story, lambda text: english_text(text, story))
    if command is not None:
        return command
    if CJK.search(message):
        from language.chinese import read_chinese_request

        readings = [read_chinese_request(message, story)]
    else:
        from language.request_parts import read_clauses

        readings = read_clauses(message, story)
    results, current = [], story
    for parts in readings:  # each clause reads the story as the ones before it left it ("… white and wear …")
        results.append(read(parts, current))
        for op in results[-1].ops if results[-1] is not None else []:
            try:
                current = edits.apply_edit(current, op).story
            except InvalidStoryError:  # the session refuses it with its message; the next clause reads on
                break
    if all(result is not None for result in results):
        questions = [r for r in results if r.question]
        return questions[0] if questions else Parsed([op for r in results for op in r.ops])
    if llm is not None and not is_small(llm):
        parsed = _llm_edit(message, story, llm)
        if parsed is not None:
            return parsed
    frames = readings[0].frames if readings else None
    which = "Which frame, and what should change there? " if frames and frames.any else ""
    return ask(f"I'm not sure what to change. {which}{help_text()}", examples()[:4])


def _llm_edit(message: str, story, llm: ChatModel) -> Parsed | None:
    """A capable LLM's reading in the operations of the table (`edits.EditPlan`), checked before it is used."""
    frames = "\n".join(f"{i + 1}. {f.prompt}" for i, f in enumerate(story.frames))
    rows = "\n".join(f'- "{op.model_fields["kind"].default}": {op.means} (e.g. "{op.example}")'
                     for op in edits.OPERATIONS)
    messages = [
        {"role": "system", "content": render_prompt("edit_system", operations=rows)},
        {"role": "user", "content": render_prompt("edit_user", title=story.title, frames=frames,
                                                  identity=story.identity_prompt, message=message[:1000])},
    ]
    try:
        plan = llm.complete_json(messages, edits.EditPlan, retries=1, max_tokens=400,
                                 schema=edits.EditPlan.schema_for_llm()).value
    except LLMError as error:
        log.info("request without the LLM: %s", error)
        return None
    if not plan.ops:
        return ask(plan.question) if plan.question.strip() else None
    ops = [edits.to_indices(op) for op in plan.ops]
    return Parsed(ops) if all(_trustworthy(op, message, story) for op in ops) else None


_ASKED_FOR = {edits.Undo: "undo", edits.Redo: "redo", edits.RemoveFrame: "remove", edits.RemoveFrames: "remove"}


def _trustworthy(op, message: str, story) -> bool:
    """An LLM operation stays within the story, writes English picture text without frame numbers, and removes
    or undoes only when the message says so in the table's words."""
    from language.lexicon import action_words

    count = len(story.frames)
    named: list[int] = []
    for name in type(op).frame_fields:
        value = getattr(op, name)
        named += [value] if isinstance(value, int) else list(value)
    limit = count + 1 if isinstance(op, edits.InsertFrame) else count
    if any(not 0 <= index < limit for index in named):
        return False
    texts = [getattr(op, f) for f in ("text", "title", "style") if isinstance(getattr(op, f, None), str)]
    texts += list(op.prompts.values()) if isinstance(op, edits.RewriteFrames) else []
    if any(CJK.search(t) or re.search(r"\b(?:frame|picture)s?\s*\d", t, re.I) for t in texts):
        return False
    action = _ASKED_FOR.get(type(op))
    if action is None:
        return True
    lowered = f" {message.lower()} "
    return any(f" {' '.join(words)} " in lowered or f" {words[0]}" in lowered for words in action_words()[action]) \
        or any(word in message for word in action_words("zh")[action])


def warm_up(chinese: bool = True) -> None:
    """Load the language tools and build the readers' matchers now (the app does it at start, off the request
    path): the first request is then read as fast as any other."""
    from core.story import Frame, Story
    from language import tools
    from language.planner import plan_story

    tools.warm_up(chinese=chinese)
    story = Story(title="Warm", identity_prompt="a fox", frames=[Frame(prompt="finding a lantern in the snow")])
    for message in ("set the whole thing in winter at night", "give her a red scarf", "swap 1 and 2", *(
            ["把第一张改成夜晚"] if chinese else [])):
        parse_message(message, story)
    plan_story("A fox finds a lantern in the snow and carries it home.", None)
