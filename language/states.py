"""What a clause shows that is no action of its own: what "it" turns out to be, what someone has, how the story
ends when it says what another is, what there is at the end, and what someone wears (no moment at all). Each takes
a clause read by `language.clauses` and gives its event, or None."""

from __future__ import annotations

from language.entities import Event
from language.lexicon import EN
from language.phrases import clause_text, lower_first, render, sentence


def worn_only(verb) -> bool:
    """"Theo has big round glasses and a yellow t-shirt": how someone looks, not a moment."""
    worn, objects = set(EN.clothing) | set(EN.features), [c for c in verb.children if c.dep_ == "dobj"]
    return verb.lemma_ in ("have", "wear") and bool(objects) and all({o.lemma_.lower(), o.lower_} & worn
                                                                     for o in objects)


def ending(clause) -> Event | None:
    """What another is, said in the idea's last sentence: how the story ends ("…: the visitors are all
    skeletons"), shown as a state ("the visitors being all skeletons")."""
    verb = clause.verb
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    at = clause.full.get(verb.i)
    if subject is None or at is None or clause.whole[at].sent.end != len(clause.whole) or not any(
            c.dep_ == "attr" for c in verb.children):
        return None
    words = [t for t in clause.doc if t.i in clause.full and not t.is_punct]
    said = render(subject.subtree)
    frame = f"{lower_first(said)} being " + render(t for t in words if t.i > verb.i)
    return Event(agent=None, frame=frame, caption=sentence(render(words)), verb="be")


def there_is(clause) -> Event | None:
    """What is there at last, shown ("… and in spring there is a huge sunflower in the garden"); at the idea's start
    "there was a princess" only says who the story is about."""
    attr = next((c for c in clause.verb.children if c.dep_ == "attr"), None)
    start = min(clause.full.values(), default=0)
    if attr is None or not any(t.pos_ == "VERB" for t in clause.whole[:start]):
        return None
    words = [t for t in clause.doc if t.i in clause.full and not t.is_punct and t.dep_ != "cc"]
    return Event(agent=None, frame=render(attr.subtree), caption=sentence(render(words)), verb="be")


def revealed(clause) -> Event | None:
    """What "it" turns out to be, shown ("but it's only the moon shining through the skylight", "it turns out to be
    a family of squirrels having a dance party")."""
    verb = next((c for c in clause.verb.children if c.dep_ == "xcomp" and c.lemma_ == "be"), clause.verb)
    shown = next((c for c in verb.children if c.dep_ == "attr" and (verb is not clause.verb or any(
        g.dep_ == "acl" for g in c.children))), None) if verb.lemma_ == "be" else None
    if shown is None:
        return None
    words = [t for t in clause.doc if t.i in clause.full and not t.is_punct]
    frame = render(t for t in words if t.i >= shown.left_edge.i and t.dep_ != "advmod")
    return Event(agent=None, frame=frame, caption=sentence(render(words)), verb="be")


def whose(verb, subject, hero) -> Event:
    """What someone has, as its picture ("a superhero whose only power is finding lost socks")."""
    complement = next((c for c in verb.children if c.dep_ in ("attr", "acomp", "xcomp", "ccomp")), None)
    target = complement if complement is not None and verb.lemma_ == "be" else verb
    frame = render(target.subtree) if target is complement else clause_text(verb, {
        t.i for t in subject.subtree} | {c.i for c in verb.children if c.dep_ in ("aux", "punct")})
    said = render(verb.subtree).removeprefix("whose ")  # "The superhero's only power is finding lost socks."
    return Event(agent=hero, frame=frame, caption=sentence(f"{hero.label}'s {said}"), verb=target.lemma_.lower())


def rained(verb) -> Event | None:
    """"a city where it rains jelly beans every Tuesday": what falls is no weather but the picture ("jelly beans
    raining down on the city every Tuesday")."""
    from language.entities import Entity
    from language.tools import inflect

    thing = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if verb.lemma_ not in EN.weather_verbs or thing is None or not any(c.lower_ == "it" for c in verb.children):
        return None
    where = f" on {render(t for t in verb.head.subtree if t.i < verb.i and t.dep_ != 'relcl' and t.i <= verb.head.i)}" \
        if verb.dep_ == "relcl" and verb.head.pos_ == "NOUN" else ""  # the place the clause is about
    when = " ".join(render(c.subtree) for c in verb.children if c.dep_ in ("npadvmod", "prep") and c.i > thing.i)
    said = render(thing.subtree)
    frame = f"{said} {inflect(verb.lemma_, 'VBG')} down{where} {when}".strip()
    return Event(agent=Entity(head=thing.lemma_.lower(), phrase=said, animate=False), frame=frame, verb=verb.lemma_,
                 caption=sentence(f"{said} {inflect(verb.lemma_, 'VBP')} down{where} {when}".strip()))
