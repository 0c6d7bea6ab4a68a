"""Chat replies of the session in markdown: the plan, what an edit changed, what a setting affects.

Frame numbers are 1-based here. The plan reply follows the person's language (English or Chinese); the
prompts themselves stay English because that is what CLIP reads.
"""

from __future__ import annotations

from core.story import Story
from core.styles import STYLE_PRESETS

_PLAN_WORDS = {
    "en": ("Character", "Style", "Frames",
           "Say what to change in your own words: “cheer frame 3 up”, “add a scene where …”, “make it rain in all "
           "the frames”, “switch to pixel art”, “put the last frame first” or “undo”."),
    "zh": ("角色", "风格", "画面", "用自己的话说要改什么：“把第二帧改成夜晚”、“让第三帧更开心”、“删除第3帧”或“撤销”。"),
}


def frame_list(numbers: list[int]) -> str:
    """'frame 2', 'frames 1, 3 and 4' (1-based, from 0-based indices)."""
    shown = [str(i + 1) for i in numbers]
    if len(shown) == 1:
        return f"frame {shown[0]}"
    return f"frames {', '.join(shown[:-1])} and {shown[-1]}"


def _who(story: Story, index: int) -> str:
    """ " (the girl, the dog)" after a frame of a cast story; "" for a story of one character."""
    if len(story.cast) < 2:
        return ""
    return f" ({', '.join(m.handle for m in story.cast if m.id in story.presence(index)) or 'nobody'})"


def plan_text(story: Story, language: str, note: str = "") -> str:
    """The plan as markdown: title, character, style, numbered frames with captions."""
    character, style, frames, hint = _PLAN_WORDS.get(language, _PLAN_WORDS["en"])
    style_name = story.style if story.style in STYLE_PRESETS else f"“{story.style}”"
    if len(story.cast) > 1:  # a cast: one line per character, then who is in each frame
        people = [f"- {m.name + ' — ' if m.name else ''}{m.handle}: {m.description}" for m in story.cast]
        head = [f"**{character}:**", *people, "", f"**{style}:** {style_name}", ""]
    else:
        head = [f"**{character}:** {story.identity_prompt}", f"**{style}:** {style_name}", ""]
    lines = [f"## {story.title}", "", *head, f"**{frames}:**"]
    for number, frame in enumerate(story.frames, start=1):
        caption = f" — _{frame.caption}_" if frame.caption and frame.caption != frame.prompt else ""
        lines.append(f"{number}. {frame.prompt}{caption}{_who(story, number - 1)}")
    lines += ["", hint]
    if note:
        lines += ["", f"> {note}"]
    return "\n".join(lines)


def render_text(summaries: list[str], to_render: list[int]) -> str:
    """What an edit did, and which frames will be drawn again."""
    tail = f"Re-rendering {frame_list(to_render)}." if to_render else "No frame needs re-rendering."
    return " ".join([_sentence(summary) for summary in summaries] + [tail])


def _sentence(text: str) -> str:
    """A summary as a sentence of its own: "Added frame 4: arriving in the barn" gets its full stop."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?。！？”’\"')" else f"{text}."


def settings_text(changes: dict, pending: list[int], story: Story) -> str:
    """Which frames a settings change affects (locked frames keep their image)."""
    names = ", ".join(f"{key} = {value}" for key, value in changes.items()) or "settings"
    locked = [i for i, frame in enumerate(story.frames) if frame.locked]
    parts = [f"Changed {names}."]
    parts.append(f"This affects {frame_list(pending)}." if pending else "No frame needs re-rendering.")
    if locked:
        parts.append(f"Locked {frame_list(locked)} {'keeps its image' if len(locked) == 1 else 'keep their images'}.")
    return " ".join(parts)
