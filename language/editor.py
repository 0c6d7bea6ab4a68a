"""Revising by message: a message becomes typed edit operations (`core.edits`), or a question back.

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

from core import edits
from core.story import Story
from language.events import chinese_clause_beat, detect_language, find_character
from language.prompt_repair import is_english, strip_junk
from language.requests import ParsedEdit, understand
from llm.chat import ChatModel, LLMError
from llm.prompts import render_prompt

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
HELP = edits.help_text()


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


def caption_for(frame_text: str, story: Story) -> str:
    """A reader's sentence for an English frame text, so picture and caption agree after a text edit:
    "reading under a tree" → "The baker reads under a tree."."""
    from language.reading import event_from_frame

    event = event_from_frame(frame_text.split(",")[0].strip())
    if event.verb:
        return event.caption(f"the {find_character(story.identity_prompt)[0]}")
    return frame_text[:1].upper() + frame_text[1:].rstrip(".") + "."


def frame_text_edit(index: int, text: str, story: Story) -> ParsedEdit:
    """The Edit button's new text for frame `index` (0-based) as an operation, or a question."""
    problem = _out_of_range([index + 1], len(story.frames))
    if problem:
        return ParsedEdit([], question=problem)
    return _build("set_text", {"text": text}, [index + 1], story)


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


def _style_name(text: str) -> str:
    """A preset for "comic", "漫画", "改成动漫"; an English phrase otherwise (a Chinese one through CC-CEDICT)."""
    text = strip_junk(text).lower()
    preset = next((name for word, name in ZH_STYLES.items() if word in text), None)
    if preset or is_english(text):
        return preset or text
    from language.chinese_requests import english_of

    return english_of(text) or text


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
        caption = text.strip() if not is_english(text) else caption_for(english, story)
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
    """A capable LLM's reading, as operations from the same table (`edits.EditPlan`), checked against the
    message and the story; None when it cannot be trusted."""
    frames = "\n".join(f"{i + 1}. {f.prompt}" for i, f in enumerate(story.frames))
    operations = "\n".join(f'- "{op.model_fields["kind"].default}": {op.means}' for op in edits.OPERATIONS)
    messages = [
        {"role": "system", "content": render_prompt("edit_system", operations=operations)},
        {"role": "user", "content": render_prompt("edit_user", title=story.title, frames=frames,
                                                  identity=story.identity_prompt, message=message[:1000])},
    ]
    try:
        plan = llm.complete_json(messages, edits.EditPlan, retries=1, max_tokens=400,
                                 schema=edits.EditPlan.schema_for_llm()).value
    except LLMError as error:
        log.info("free-form edit without the LLM: %s", error)
        return None
    if not plan.ops:
        return ParsedEdit([], question=plan.question) if plan.question.strip() else None
    ops = [edits.to_indices(op) for op in plan.ops]
    return ParsedEdit(ops) if all(_trustworthy(op, message, story, numbers) for op in ops) else None


_REMOVE_WORDS = r"remove|delete|drop|rid|cut|删|去掉"
_HINTS = {edits.Undo: r"undo|back|revert|mind|撤", edits.Redo: r"redo|again|重做",
          edits.RemoveFrame: _REMOVE_WORDS, edits.RemoveFrames: _REMOVE_WORDS}


def _trustworthy(op: edits.EditOp, message: str, story: Story, numbers: list[int]) -> bool:
    """An LLM operation stays within the story, names only frames the message names (when it names any),
    writes English picture text without frame numbers, and removes or undoes only when asked in words."""
    count = len(story.frames)
    named: list[int] = []
    for field in type(op).frame_fields:
        value = getattr(op, field)
        named += [value] if isinstance(value, int) else list(value)
    limit = count + 1 if isinstance(op, edits.InsertFrame) else count
    if any(not 0 <= index < limit for index in named):
        return False
    if numbers and not isinstance(op, edits.InsertFrame | edits.MoveFrame | edits.SwapFrames) and \
            any(index + 1 not in numbers for index in named):
        return False
    texts = [getattr(op, f) for f in ("text", "title", "style") if isinstance(getattr(op, f, None), str)]
    texts += list(op.prompts.values()) if isinstance(op, edits.RewriteFrames) else []
    if any(not is_english(t) or REF.search(t) for t in texts):
        return False
    hint = _HINTS.get(type(op))
    return hint is None or re.search(hint, message, re.IGNORECASE) is not None


def _capable(llm: ChatModel | None) -> bool:
    """Whether `llm` reads requests better than the parser: the embedded 135M model does not (requests are
    not given to it), a multi-billion-parameter GGUF does."""
    from language.plan_request import wants_compact_request

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
        from language.chinese_requests import understand_chinese

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
