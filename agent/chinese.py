"""Chinese ideas without a model: the glossary words of a clause, in order, as an English action-and-setting beat.

The embedded 135M model cannot translate; a small glossary (`agent.glossary.CHINESE_GLOSSARY`) covers the
characters, places, objects, times and actions of children's stories, longest match first.
"""

from __future__ import annotations

from agent.glossary import CHINESE_GLOSSARY

_INTRANSITIVE = {"returning home", "walking", "running", "flying", "swimming", "sleeping", "dancing", "singing",
                 "laughing", "crying", "climbing", "playing"}


def chinese_clause_beat(clause: str, main_character: str = "") -> str:
    """An English action-and-setting beat from the glossary words of one Chinese clause ('' when none).

    Characters other than `main_character` become objects ("a bird"): the identity carries the main one.
    """
    found: dict[str, list[str]] = {}
    position = 0
    keys = sorted(CHINESE_GLOSSARY, key=len, reverse=True)
    while position < len(clause):
        for key in keys:
            if clause.startswith(key, position):
                category, english = CHINESE_GLOSSARY[key]
                if category == "character" and english != main_character:
                    category, english = "object", f"a {english}"
                found.setdefault(category, []).append(english)
                position += len(key)
                break
        else:
            position += 1
    action = found.get("action", [""])[0]
    objects = found.get("object", [])[:2]
    if action in _INTRANSITIVE and objects:
        objects = ["with " + objects[0]] + objects[1:]
    parts = [action] + objects + found.get("place", [])[:1]
    parts += found.get("time", [])[:1]
    beat = " ".join(p for p in parts if p)
    if beat and "action" not in found:
        beat = ("standing " + beat) if "object" not in found else "looking at " + beat
    return beat


def chinese_to_english(text: str) -> str:
    """The glossary words of `text` in English, in order (enough to find the character and colours)."""
    words, position = [], 0
    keys = sorted(CHINESE_GLOSSARY, key=len, reverse=True)
    while position < len(text):
        key = next((k for k in keys if text.startswith(k, position)), None)
        if key:
            words.append(CHINESE_GLOSSARY[key][1])
            position += len(key)
        else:
            position += 1
    return " ".join(words)
