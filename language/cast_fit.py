"""A cast's looks kept within the CLIP budget of its shared prefix (style and every character, `core.cast`): when
a change would pass it, each look is first said in its words only, then loses what the request did not ask for
(a worn item, a carried one, the hair), the longest look first. What is left is said in the reply."""

from __future__ import annotations

from language.lexicon import EN


def fitted_cast(story, style: str) -> dict[str, str]:
    """The members' descriptions that must change for the cast to fit with `style` (id → new text); {} when it
    fits as it is or cannot be made to."""
    from core.cast import compose_prefix
    from generator.tokens import CAST_TOKEN_BUDGET, count_clip_tokens
    from language.described import read_looks

    if len(story.cast) < 2:
        return {}
    cast = [member.model_copy() for member in story.cast]
    looks = {member.id: read_looks(member.description) for member in cast}
    while sum(count_clip_tokens(p.text) for p in compose_prefix(cast, style)) > CAST_TOKEN_BUDGET:
        longest = max(cast, key=lambda m: count_clip_tokens(m.description))
        shorter = looks[longest.id].text(compact=True)
        if shorter == longest.description and not make_room(looks[longest.id], set()):
            return {}
        longest.description = looks[longest.id].text(compact=True)
    return {m.id: m.description for m, old in zip(cast, story.cast, strict=True) if m.description != old.description}


def make_room(looks, asked: set[str]) -> bool:
    """Take one thing the request did not ask for off a look that does not fit the cast's budget: a worn item,
    then a carried one or a feature, then the hair; whether anything was taken."""
    from language.looks import _item_noun

    for slot, item in list(looks.wears.items()):
        if _item_noun(item) not in asked:
            del looks.wears[slot]
            return True
    for items in (looks.carries, looks.features):
        for item in list(items):
            if _item_noun(item) not in asked:
                items.remove(item)
                return True
    if looks.hair and not asked & set(EN.hair_words):
        looks.hair = ""
        return True
    return False
