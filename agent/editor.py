"""Revising by message: a message becomes typed edit operations (`agent.edits`), or a question back.

Explicit commands are parsed with patterns, without the LLM, in English and Chinese:
"frame 3: …", "第3帧：…", "remove frame 2", "删除第二帧", "swap 1 and 3", "交换1和3", "move 4 to 1", "lock 2",
"re-roll 3", "undo"/"撤销", "redo"/"重做", "style: comic", "character: …", "title: …", "add frame: …",
"frame 2 + at night". Anything else is free-form and goes to the LLM with a schema; its answer is checked
against the frame numbers the message itself names, and without a usable answer a small heuristic or a
clear question takes over. Nothing changes when the request is ambiguous or out of range.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from pydantic import BaseModel, Field

from agent import edits
from agent.events import chinese_clause_beat, detect_language, find_character
from agent.llm import ChatModel, LLMError
from agent.prompt_repair import is_english, strip_junk
from agent.prompts import render_prompt
from agent.requests import ParsedEdit, understand
from agent.story import Story

log = logging.getLogger(__name__)

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "1st": 1, "2nd": 2, "3rd": 3}
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}
_NOUN = r"(?:frame|picture|panel|image|scene|shot|page|one)s?"
_ZH_NUM = r"(?:\d{1,2}|十一|十二|[一二两三四五六七八九十])"
_ZH_NOUN = r"(?:帧|张|幅|格|个画面|个|页|图)"
_EN_REF = (rf"(?:(?:the\s+)?(?P<ord>{'|'.join(_ORDINALS)}|\d+(?:th)?|last)\s+{_NOUN}"
           rf"|{_NOUN}\s*#?\s*(?P<num>\d{{1,3}})|#(?P<hash>\d{{1,3}}))")
_ZH_REF = rf"(?:第\s*(?P<zh>{_ZH_NUM})\s*{_ZH_NOUN}?|(?P<zhlast>最后一){_ZH_NOUN})"
REF = re.compile(rf"{_EN_REF}|{_ZH_REF}", re.IGNORECASE)
ZH_STYLES = {"漫画": "comic", "水彩": "storybook", "绘本": "storybook", "动漫": "anime", "照片": "photo",
             "写实": "photo", "像素": "pixel", "素描": "sketch", "油画": "painting", "3d": "3d"}
HELP = ("Try: “frame 3: reading under a tree”, “frame 2 + at night”, “remove frame 2”, “swap 1 and 3”, "
        "“move 4 to 1”, “re-roll 2”, “lock 1”, “style: comic”, “character: a girl in a yellow raincoat”, "
        "“title: …”, “add frame: …”, “undo”, “redo”.")


class EditRequest(BaseModel):
    """What the LLM is asked to fill for a free-form request (frame numbers 1-based, 0 = none)."""

    action: Literal["set_text", "add_text", "insert", "remove", "move", "swap", "identity", "style", "lock",
                    "unlock", "reroll", "undo", "redo", "rename", "unclear"]
    frame: int = Field(ge=0, le=13)
    other: int = Field(ge=0, le=13)
    text: str = Field(max_length=160)


def _number(match: re.Match, count: int) -> int:
    """1-based frame number of a REF match ("last" resolves against `count`)."""
    groups = match.groupdict()
    if groups.get("zhlast") or (groups.get("ord") or "").lower() == "last":
        return count
    if groups.get("ord"):
        word = groups["ord"].lower()
        return _ORDINALS.get(word) or int(re.sub(r"\D", "", word))
    if groups.get("zh"):
        value = groups["zh"]
        return int(value) if value.isdigit() else _ZH_DIGITS[value]
    return int(groups.get("num") or groups.get("hash"))


def frame_refs(message: str, count: int) -> list[tuple[int, re.Match]]:
    """Every frame reference in the message as (1-based number, match)."""
    return [(_number(m, count), m) for m in REF.finditer(message)]


def _ref_or_number(text: str, count: int) -> int | None:
    text = text.strip().lower()
    if text in ("end", "the end", "last"):
        return count
    if text in ("start", "beginning", "the start", "the beginning", "front", "the front"):
        return 1
    bare = re.sub(r"^the\s+|\s+one$", "", text)
    if bare in _ORDINALS:
        return _ORDINALS[bare]
    if re.fullmatch(r"#?\d{1,3}", text):
        return int(text.lstrip("#"))
    if re.fullmatch(_ZH_NUM, text):
        return _ZH_DIGITS.get(text) or int(text)
    refs = frame_refs(text, count)
    return refs[0][0] if len(refs) == 1 and refs[0][1].group(0).strip() == text else None


def _english_text(text: str, story: Story) -> str | None:
    """Frame text in English: as given, or the glossary reading of a Chinese text (None when impossible)."""
    text = strip_junk(text)
    if is_english(text):
        return text
    if detect_language(text) == "zh":
        return chinese_clause_beat(text, find_character(story.identity_prompt)[0]) or None
    return None


def _out_of_range(numbers: list[int], count: int) -> str | None:
    for number in numbers:
        if not 1 <= number <= count:
            return f"There is no frame {number}: this story has {count} frame(s). Which frame did you mean?"
    return None


_T = r"\s*[:：=]\s*(?P<text>.+)"
_A, _B = r"(?P<a>.+?)", r"(?P<b>.+?)"
_PATTERNS = [
    ("undo", r"(?:undo|撤销|撤消|撤回|后退)(?:\s+(?:that|it|please))?"),
    ("redo", r"(?:redo|重做|恢复)(?:\s+(?:that|it|please))?"),
    ("remove", rf"(?:remove|delete|drop|cut)\s+{_A}"),
    ("remove", rf"(?:删除|删掉|去掉){_A}"),
    ("swap", rf"(?:swap|switch|exchange)\s+(?:frames?\s+)?{_A}\s+(?:and|with|&)\s+{_B}"),
    ("swap", rf"(?:交换|调换){_A}(?:和|与|跟){_B}"),
    ("move", rf"move\s+{_A}\s+to\s+(?:position\s+|the\s+)?{_B}"),
    ("move", rf"把{_A}移到{_B}"),
    ("lock", rf"(?:lock|锁定)\s*{_A}"),
    ("unlock", rf"(?:unlock|解锁)\s*{_A}"),
    ("reroll", rf"(?:re-?roll|regenerate|redraw|new seed for|重新生成|重画|重绘)\s*{_A}"),
    ("style", r"(?:style|风格)\s*[:：=]?\s*(?P<text>.+)"),
    ("style", r"(?:use|make it)\s+(?:a\s+|the\s+)?(?P<text>[\w-]+)\s+style"),
    ("identity", rf"(?:character|identity|hero|the character|角色|主角|人物){_T}"),
    ("rename", rf"(?:title|rename|标题|改名|重命名){_T}"),
    ("rename", r"(?:rename(?: it)?\s+to|call it)\s+(?P<text>.+)"),
    ("append", rf"(?:add|append|insert)\s+(?:a\s+)?(?:new\s+)?{_NOUN}(?:\s+at the end)?{_T}"),
    ("append", rf"(?:添加|增加|加)一?{_ZH_NOUN}{_T}"),
    ("insert", rf"(?:add|insert)\s+(?:a\s+)?(?:new\s+)?{_NOUN}\s+(?P<where>before|after)\s+{_A}{_T}"),
    ("add_text", rf"{_A}\s*(?:\+|加上)\s*(?P<text>.+)"),
    ("add_text", rf"add\s+(?P<text>.+?)\s+to\s+{_A}"),
    ("set_text", rf"{_A}{_T}"),
]
PATTERNS = [(name, re.compile(pattern, re.IGNORECASE | re.DOTALL)) for name, pattern in _PATTERNS]
_FRAME_COMMANDS = {"remove", "swap", "move", "lock", "unlock", "reroll", "insert", "add_text", "set_text"}


def _style_name(text: str) -> str:
    text = strip_junk(text).lower()
    return ZH_STYLES.get(text, text)


def parse_explicit(message: str, story: Story) -> ParsedEdit | None:
    """Operations for an explicit command, a question when it is out of range, or None (not explicit)."""
    text = " ".join(message.strip().split()).rstrip(".!?。！？")
    text = re.sub(r"^(?:please\s+|请)", "", text, flags=re.IGNORECASE)
    count = len(story.frames)
    for name, pattern in PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        groups = match.groupdict()
        numbers = []
        for key in ("a", "b"):
            if groups.get(key) is not None:
                number = _ref_or_number(groups[key], count)
                if number is None:
                    if name in ("set_text", "add_text"):
                        break  # "the fox is happy: ..." is not a frame command
                    return ParsedEdit([], question=f"Which frame do you mean by “{groups[key]}”? {HELP}")
                numbers.append(number)
        else:
            return _build(name, groups, numbers, story)
    return None


def _build(name: str, groups: dict, numbers: list[int], story: Story) -> ParsedEdit:
    count = len(story.frames)
    if name == "move" and numbers and numbers[-1] == count + 1:
        numbers[-1] = count
    problem = _out_of_range(numbers, count)
    if problem:
        return ParsedEdit([], question=problem)
    index = [n - 1 for n in numbers]
    text = groups.get("text") or ""
    if name in ("set_text", "add_text", "append", "insert"):
        english = _english_text(text, story)
        if not english:
            return ParsedEdit([], question="I could not turn that into an English picture description. "
                                           "Please write the frame text in English.")
        caption = text.strip() if not is_english(text) else None
        if name == "set_text":
            return ParsedEdit([edits.SetText(frame=index[0], text=english, caption=caption)])
        if name == "add_text":
            return ParsedEdit([edits.AddText(frame=index[0], text=english)])
        if name == "append":
            return ParsedEdit([edits.InsertFrame(position=count, text=english, caption=caption)])
        position = index[0] + (1 if groups["where"].lower() == "after" else 0)
        return ParsedEdit([edits.InsertFrame(position=position, text=english, caption=caption)])
    simple = {
        "undo": lambda: edits.Undo(), "redo": lambda: edits.Redo(),
        "remove": lambda: edits.RemoveFrame(frame=index[0]),
        "swap": lambda: edits.SwapFrames(first=index[0], second=index[1]),
        "move": lambda: edits.MoveFrame(frame=index[0], to=index[1]),
        "lock": lambda: edits.SetLock(frame=index[0], locked=True),
        "unlock": lambda: edits.SetLock(frame=index[0], locked=False),
        "reroll": lambda: edits.Reroll(frame=index[0]),
        "style": lambda: edits.SetStyle(style=_style_name(text)),
        "rename": lambda: edits.Rename(title=strip_junk(text)[:120] or "Untitled story"),
    }
    if name == "identity":
        english = _english_text(text, story)
        if not english:
            return ParsedEdit([], question="Please describe the character in English.")
        return ParsedEdit([edits.SetIdentity(text=english)])
    return ParsedEdit([simple[name]()])


def _llm_edit(message: str, story: Story, llm: ChatModel, numbers: list[int]) -> ParsedEdit | None:
    frames = "\n".join(f"{i + 1}. {f.prompt}" for i, f in enumerate(story.frames))
    messages = [
        {"role": "system", "content": render_prompt("edit_system")},
        {"role": "user", "content": render_prompt("edit_user", title=story.title, frames=frames,
                                                  identity=story.identity_prompt, message=message[:1000])},
    ]
    try:
        request = llm.complete_json(messages, EditRequest, retries=1, max_tokens=120).value
    except LLMError as error:
        log.info("free-form edit without the LLM: %s", error)
        return None
    return _from_request(request, message, story, numbers)


def _from_request(request: EditRequest, message: str, story: Story, numbers: list[int]) -> ParsedEdit | None:
    """Check the LLM's reading against the message itself; None when it cannot be trusted."""
    count, action = len(story.frames), request.action
    frame = numbers[0] if len(numbers) == 1 else request.frame
    if numbers and frame not in numbers:
        return None
    text = strip_junk(request.text)
    needs_frame = action in _FRAME_COMMANDS | {"lock", "unlock", "reroll"}
    if action == "unclear" or (needs_frame and not 1 <= frame <= count):
        return None
    needs_text = action in ("set_text", "add_text", "identity", "rename")
    if needs_text and (not text or not is_english(text) or REF.search(text)):
        return None
    hints = {"undo": r"undo|back|revert|撤", "redo": r"redo|again|重做",
             "remove": r"remove|delete|drop|get rid|删|去掉"}
    if action in hints and not re.search(hints[action], message, re.IGNORECASE):
        return None
    other = request.other
    if action in ("move", "swap") and not 1 <= other <= count:
        return None
    ops = {
        "set_text": lambda: edits.SetText(frame=frame - 1, text=text),
        "add_text": lambda: edits.AddText(frame=frame - 1, text=text),
        "insert": lambda: edits.InsertFrame(position=min(request.frame, count), text=text) if text else None,
        "remove": lambda: edits.RemoveFrame(frame=frame - 1),
        "move": lambda: edits.MoveFrame(frame=frame - 1, to=other - 1),
        "swap": lambda: edits.SwapFrames(first=frame - 1, second=other - 1),
        "identity": lambda: edits.SetIdentity(text=text),
        "style": lambda: edits.SetStyle(style=_style_name(text)) if text else None,
        "lock": lambda: edits.SetLock(frame=frame - 1, locked=True),
        "unlock": lambda: edits.SetLock(frame=frame - 1, locked=False),
        "reroll": lambda: edits.Reroll(frame=frame - 1),
        "undo": lambda: edits.Undo(), "redo": lambda: edits.Redo(),
        "rename": lambda: edits.Rename(title=text[:120]),
    }
    op = ops[action]()
    return ParsedEdit([op]) if op is not None else None


def _capable(llm: ChatModel | None) -> bool:
    """Whether `llm` reads requests better than the parser: the embedded 135M model does not (the agent
    passed 5/21 dev cases with it, 21/21 on the parser), a multi-billion-parameter GGUF does."""
    from agent.plan_request import wants_compact_request

    return llm is not None and not wants_compact_request(llm)


def parse_message(message: str, story: Story, llm: ChatModel | None = None) -> ParsedEdit:
    """Read a revision message: command syntax, else the language parser, else a capable LLM, else a question.

    Args:
        message: what the person wrote (any language).
        story: the current story (frame count, texts for the LLM's context).
        llm: the language model for requests the parser cannot read; the embedded small model is not used.
    """
    if not message or not message.strip():
        return ParsedEdit([], question=f"What should change? {HELP}")
    explicit = parse_explicit(message, story)
    if explicit is not None and not explicit.question:
        return explicit
    if detect_language(message) == "zh":
        from agent.chinese_requests import understand_chinese

        parsed = understand_chinese(message, story)
    else:
        parsed = understand(message, story)
    if parsed is not None:
        return parsed
    if explicit is not None:
        return explicit
    numbers = sorted({n for n, _ in frame_refs(message, len(story.frames))})
    problem = _out_of_range(numbers, len(story.frames))
    if problem:
        return ParsedEdit([], question=problem)
    if _capable(llm):
        parsed = _llm_edit(message, story, llm, numbers)
        if parsed is not None:
            return parsed
    which = "Which frame do you mean? " if len(numbers) > 1 else ""
    return ParsedEdit([], question=f"I'm not sure what to change. {which}{HELP}")
