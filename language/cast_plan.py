"""The cast of a planned story: the main character and up to two others that recur (named in two or more frames),
each with a handle unique in the cast ("the owl"), a name when the idea gives one, and a short visual description;
who is in each frame. One-off figures stay in the frame text. The style and the cast together stay within the
prefix's token budget (`CAST_TOKEN_BUDGET`): descriptions become their words only, then the last member goes."""

from __future__ import annotations

import re

from core.cast import MAX_CAST
from language.described import read_looks
from language.lexicon import EN


def _names(entity) -> list[str]:
    return [w for w in {entity.head, entity.name.lower(), *entity.short.lower().split()[1:]} if w]


def _in(frame: str, entity) -> bool:
    words = set(re.findall(r"[^\W\d_]+", frame.lower()))  # letters, also "tomás"
    return any(name in words for name in _names(entity)) or entity.head + "s" in words


def plan_cast(reading, frames: list[str], identity: str, style: str, count_tokens) -> tuple[list[dict], list]:
    """(cast entries, each frame's member handles or None) for `frames`; ([], []) for a story of one."""
    from generator.tokens import CAST_TOKEN_BUDGET

    hero = reading.hero
    main_head = read_looks(identity).kind.split()[-1]
    others = [e for e in reading.entities if e is not hero and e.animate and not e.plural and e.description
              and e.head not in (hero.head, main_head) and sum(_in(f, e) for f in frames) >= 2
              and (e.subjects or e.name or e.head in EN.kinds)]  # "the shining tandem" is ridden, no one
    others = [e for i, e in enumerate(others) if e.head not in {o.head for o in others[:i]}]  # one handle each
    others = sorted(others, key=lambda e: (-sum(_in(f, e) for f in frames), e.first))[:MAX_CAST - 1]
    if not others:
        return [], []
    main = {"handle": f"the {main_head}", "name": hero.name, "description": identity}
    members = [main]
    for entity in others:  # each gets a look of its own to keep, as the main character does
        looks = read_looks(entity.description)
        looks.invent(seed=f"{reading.text} {entity.head}", avoid=" ".join(m["description"] for m in members))
        members.append({"handle": f"the {entity.head}", "name": entity.name, "description": looks.text()})
    style_tokens = count_tokens(style) if style else 0
    for step in ("full", "compact", "fewer"):
        total = style_tokens + sum(count_tokens(m["description"]) + 1 for m in members)
        if total <= CAST_TOKEN_BUDGET:
            break
        if step == "full":
            for member, entity in zip(members[1:], others, strict=True):
                member["description"] = read_looks(entity.description).text(compact=True)
        elif len(members) > 2:
            members, others = members[:-1], others[:-1]
    presence = []
    for frame in frames:
        here = [m["handle"] for m, e in zip(members[1:], others, strict=True) if _in(frame, e)]
        lead = next((e for e in others if re.match(rf"(?:the |an? )?(?:{'|'.join(_names(e))})\b", frame.lower())),
                    None)
        presence.append(here if lead is not None and not _in(frame, hero) else [main["handle"], *here])
    return members, presence
