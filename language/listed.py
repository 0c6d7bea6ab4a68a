"""A clause whose object is a list: one frame per thing, the idea's own moments shown one at a time ("tries a
hollow tree, a cave full of bats and an old rowing boat"; "drifts over rooftops, a river and a farm before landing
in a garden")."""

from __future__ import annotations

from language.phrases import caption as clause_caption
from language.phrases import clause_text, render


def one_by_one(verb, skip: set[int], names: dict, who: str, named: bool) -> list[tuple[str, str]]:
    """A clause whose object is a list, one frame per thing ("tries a hollow tree, a cave full of bats and an
    old rowing boat" → three frames): the idea's own moments, shown one at a time."""
    head = next((c for c in verb.children if c.dep_ == "dobj"), None) or next(
        (p for c in verb.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"), None)
    if head is None:
        return []
    items = [head] + [t for t in head.subtree if t.dep_ in ("conj", "appos") and t.pos_ in ("NOUN", "PROPN")]
    if len(items) < 2:
        return []
    from language.looks import kind_type

    if len(items) == 2 and any(kind_type(t.lemma_.lower()) in ("person", "animal", "creature") for t in items):
        return []  # "flies a boy and his hamster to the moon": the two go together
    whole = {t.i for t in head.subtree}
    then = next((g for t in items for c in t.children if c.dep_ == "prep" and c.lower_ == "before"
                 for g in c.children if g.dep_ == "pcomp" and g.tag_ == "VBG"), None)  # "… and a farm before
    later = {t.i for t in then.head.subtree} if then is not None else set()  # landing in a garden": then it lands
    parts = []
    for item in items:
        nested = {t.i for c in item.children if c.dep_ in ("conj", "appos", "cc", "punct") for t in c.subtree}
        own = {t.i for t in item.subtree} - nested - later
        gone, said = (whole - own, names) if item is head or head.dep_ != "pobj" else (  # "drifts over rooftops,
            whole - {head.i}, {**names, head.i: render(t for t in item.subtree if t.i in own)})  # a river…": over each
        frame = clause_text(verb, skip | gone, said)
        parts.append((f"{who} {frame}" if named else frame, clause_caption(who, verb, skip | gone, said)))
    if then is not None:
        parts.append((render(then.subtree), clause_caption(who, then, set(), names)))
    return parts
