"""An idea's events: every clause of every sentence (`language.segments`), read on its own with its subject in front.

Each clause is parsed again by itself, as spaCy's small model reads a short clause better than a long sentence;
one without a subject gets the subject of the clause before ("the robot walks all the way to the city"), one that
starts with "who" the noun before it. Pronouns keep what the whole idea's coreference found (`language.idea`),
mapped back by their place in the text.
"""

from __future__ import annotations

from language.entities import Entity, Event, entity_of
from language.lexicon import EN, entries, word_set
from language.listed import one_by_one
from language.phrases import caption as clause_caption
from language.phrases import clause_text, lower_first, render, sentence
from language.segments import mend_subject, segments, verb_like
from language.states import ending, rained, revealed, there_is, whose, worn_only
from language.tools import lemma_of, parse


class Clause:
    """One clause parsed on its own: `doc` (maybe with a subject put in front), its verb, and where each of its
    tokens stands in the whole idea (`full`: clause index → idea index)."""

    def __init__(self, piece, subject: str = ""):
        self.whole = piece.doc
        words = [t for t in piece]
        while words and (words[0].lower_ in word_set("clause_leads") or words[0].is_punct):
            words = words[1:]
        self.relative = bool(words) and words[0].tag_ in ("WDT", "WP") and words[0].lower_ != "whose"
        self.said = "".join(t.text_with_ws for t in words).strip(" ,.;")
        words = words[1:] if self.relative else words
        self.ok, self.passive = bool(words), False
        if not self.ok:
            return
        start, end = words[0].idx, words[-1].idx + len(words[-1])
        text = piece.doc.text[start:end]
        self.prefix = f"{subject} " if subject else ""
        self.doc = parse(self.prefix + text)
        verbs = [t for t in words if t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP", "VB")]
        if subject and verbs and self.doc[:].root.pos_ not in ("VERB", "AUX"):  # "princess/JJ loved/VBN frogs":
            self.prefix = "she " if verbs[0].tag_ == "VBZ" else "they "  # a pronoun subject parses as one
            self.doc = parse(self.prefix + text)
        mend_subject(self.doc)
        offset = start - len(self.prefix)
        full = {t.idx: t.i for t in piece.doc}
        self.full = {t.i: full[t.idx + offset] for t in self.doc
                     if t.idx >= len(self.prefix) and t.idx + offset in full}
        self.verb = _root(self.doc)
        self.ok = self.verb is not None
        self.passive = self.ok and any(c.dep_ in ("nsubjpass", "auxpass") for c in self.verb.children)

    def own_subject(self) -> bool:
        """Whether the clause says who acts; a "subject" after a verb that starts the clause is its object, misread
        (", climbs the winding tower stairs/nsubj with his toolbox")."""
        subject = next((c for c in self.verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        first = next((t for t in self.doc if not t.is_punct and t.i in self.full), None)
        inverted = subject is not None and subject.i > self.verb.i and first is not None and first == self.verb
        return subject is not None and subject.i in self.full and not inverted


def _root(doc):
    root = doc[:].root
    if root.pos_ in ("VERB", "AUX") or verb_like(root):
        return root
    return next((t for t in doc if t.pos_ == "VERB" and t.dep_ not in ("amod", "compound")), None) or next(
        (t for t in doc if t.i > 0 and verb_like(t)), None)


def _clauses(doc, reading):
    """(clause, agent entity, together) for every clause of the idea, in order."""
    refers, by_verb = reading.refers, {}
    for sent in doc.sents:
        agent = running = reading.hero
        for piece in segments(sent):
            clause = Clause(piece)
            if not clause.ok and agent and any(t.tag_ in ("VBZ", "VBD") for t in piece):  # ", hooks/NNP the lamb…"
                clause = Clause(piece, subject=agent.short or agent.phrase)  # read after its subject, as said
            if not clause.ok:  # "A lonely snowman in the park | waves/NNS at everyone": who acts next
                agent = running = piece.root.pos_ in ("NOUN", "PROPN") and entity_of(piece.root, reading) or agent
                continue
            together = False
            if clause.relative:  # "a girl who fixes its arm": the noun before "who" acts
                noun = piece.doc[piece.start - 1] if piece.start else None
                antecedent = entity_of(noun, reading) if noun is not None and noun.pos_ in ("NOUN", "PROPN") \
                    else None
                worn = set(EN.clothing) | set(EN.carried) | set(EN.hair_words) | set(EN.features)
                if noun is not None and noun.lemma_.lower() in worn and piece[0].lower_ == "who":
                    antecedent = reading.hero  # "a girl with a yellow raincoat who lives above…": the girl
                if antecedent is None and noun is not None and noun.dep_ == "pobj" and noun.pos_ != "PRON":
                    antecedent = entity_of(noun.head.head, reading)  # "an old tailor in Lisbon who sews…"
                if antecedent is None:  # "anyone who looks sad", "a gust that pushes the balloon": part of the
                    yield clause, None, False  # clause before, not a moment of its own
                    continue
                agent = antecedent
                clause = Clause(piece, subject=agent.short or agent.phrase)
            elif not clause.own_subject():
                compound = next((c for c in clause.verb.children if c.dep_ == "compound" and c.pos_ == "NOUN"
                                 and c.i in clause.full), None)  # "The baker's apprentice/compound sneaks"
                if compound is not None:
                    agent = entity_of(piece.doc[clause.full[compound.i]], reading) or agent
                else:
                    agent, together = _inherited(doc, clause, by_verb, agent)
                    clause = Clause(piece, subject=(agent.short or agent.phrase) if agent else "it")
            else:
                subject = next(c for c in clause.verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl"))
                whole = clause.full.get(subject.i)
                if subject.lower_ in ("we", "they", "us") and whole not in refers:
                    agent, together = reading.hero, True
                elif whole in refers:
                    agent = refers[whole]
                elif subject.lower_ in ("i", "we"):
                    agent, together = reading.hero, True
                elif subject.tag_ in ("WDT", "WP") and clause.verb.i in clause.full:  # "a paper boat that sails…"
                    agent = entity_of(piece.doc[clause.full[clause.verb.i]].head, reading) or agent
                elif subject.dep_ != "expl":
                    agent = entity_of(piece.doc[whole], reading) if whole is not None else agent
                    if agent is not None and agent.head in EN.clothing:  # "a sailor in a coat and cap rescues"
                        agent = reading.hero
                together = together or agent is reading.hero and any(  # "he and his little sister Lina row out"
                    c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") for c in subject.children)
            if clause.ok:
                by_verb[clause.full.get(clause.verb.i, -1)] = (agent, together)
                yield clause, agent, together
                if any(c.dep_ == "mark" and c.lower_ in ("that", "because", "if", "although", "though", "while")
                       for c in clause.verb.children):  # "notices that the clock has stopped, climbs…": he climbs
                    agent = running
            running = agent


def _inherited(doc, clause, by_verb: dict, agent) -> tuple:
    """Who acts in a clause without a subject: the one of the verb it is joined to ("they climb aboard, chug
    across…": both; "pushes the bike while the dog runs ahead, hands…": she hands), else the one before, with
    whoever was with them ("he and his sister row out…, land on…, have a picnic…": still both)."""
    at = clause.full.get(clause.verb.i)
    head = doc[at] if at is not None else None
    joined = ("conj", "advcl")  # "climb aboard, chug across": an advcl with no "while" is a conj
    while head is not None and head.dep_ in joined and head.head.i not in by_verb and head.head != head:
        head = head.head
    if head is not None and head.dep_ in joined and head.head.i in by_verb and not any(
            c.dep_ == "mark" for c in head.children):
        return by_verb[head.head.i]
    return agent, bool(by_verb) and list(by_verb.values())[-1] == (agent, True)


def agents(doc, reading) -> list:
    """Who acts in each clause (for the main character's salience); the subject of a passive does not act
    ("clouds were made of cotton candy and only one hungry giraffe could reach them": the giraffe), unless it has
    a name ("Detective Okafor is called in to solve the case")."""
    return [agent for clause, agent, _ in _clauses(doc, reading) if agent and (not clause.passive or agent.name)]


def events(doc, reading) -> list:
    """The idea's events, one per clause, with their frames and captions."""
    found, weather = [], ""
    for clause, agent, together in _clauses(doc, reading):
        verb = clause.verb
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        unseen = subject is not None and subject.lower_ in word_set("indefinite_pronouns") and any(
            c.dep_ == "mark" and c.lower_ in ("before", "until", "unless", "without") for c in verb.children)
        purpose = _purpose(clause)
        if agent is None and clause.relative or unseen and found or purpose:  # "…he's back before anyone
            # notices", "…lights the lantern so his grandmother can see it": part of the moment before
            said = f"so {clause.said}" if purpose and not clause.said.startswith("so ") else clause.said
            for event in found[-1:]:
                event.frame, event.caption = f"{event.frame} {said}", f"{event.caption[:-1]} {said}."
            continue
        if verb.lemma_ in EN.weather_verbs and any(c.lower_ == "it" for c in verb.children) and not any(
                c.dep_ == "dobj" for c in verb.children):  # but "it rains jelly beans" is no weather
            weather = EN.weather_verbs[verb.lemma_]
            continue
        event = rained(verb) or _event(clause, agent, together, reading)
        if event is not None and event.frame and event.frame not in [e.frame for e in found]:
            if weather and weather not in event.frame:
                event.frame = f"{event.frame} {weather}"
            found.append(event)
    return found


def _event(clause, agent, together: bool, reading):
    """One clause as an event: its picture text and caption, pronouns resolved."""
    doc, verb, hero = clause.doc, clause.verb, reading.hero
    if verb.lemma_ in ("be", "turn", "prove") and (shown := revealed(clause) if any(c.lower_ == "it" for c in
                                                                                  verb.children) else
                                ending(clause) if agent not in (None, hero) else None):
        return shown  # "it's only the moon shining…", "…: the visitors are all skeletons"
    expl = any(c.dep_ == "expl" for c in verb.children)  # "Nadia is a deep-sea diver", "there was a princess":
    if expl or verb.lemma_ == "be" and any(c.dep_ == "attr" for c in verb.children):  # who, not what happens (but
        return expl and there_is(clause) or None  # "…and by morning there is a new foal in the stable": shown
    if agent in (None, reading.hero) and worn_only(verb):
        return None  # "Theo has big round glasses and a yellow t-shirt": how he looks, not a moment
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.lower_ in entries("frame_nouns") and verb.lemma_ in ("show", "depict"):
        return _shown(clause, verb, subject, reading)
    if subject is not None and any(c.lower_ == "whose" for c in subject.children):  # "whose only power is …"
        return whose(verb, subject, hero)
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    if verb.lemma_ == "use" and xcomp is not None:  # "used to fly planes": the habit is the picture
        verb = xcomp
    skip = {t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "cc", "mark", "punct") for t in c.subtree}
    if verb.pos_ not in ("VERB", "AUX") or any(c.dep_ == "compound" and c.i < verb.i for c in verb.children):
        skip |= {t.i for c in verb.children if c.i < verb.i for t in c.subtree}  # "her grandpa plant/NN a tree"
        together = together or any(t.lower_ == "and" for t in doc if t.i < verb.i)
    skip |= {t.i for t in doc if t.i not in clause.full} | {c.i for c in verb.children if c.dep_ == "advmod" and (
        c.lower_ in word_set("clause_leads") | word_set("focus_words"))}  # the subject put in front; "just wants"
    leading = [c for c in verb.children if c.i < verb.i and c.i not in skip and (c.dep_ in ("prep", "npadvmod",
               "advmod") or c.dep_ == "advcl" and c.pos_ in ("ADJ", "ADV"))  # "High in the Andes, a llama…"
               and render(c.subtree).lower() not in EN.openers]
    skip |= {t.i for c in verb.children if c.i < verb.i and render(c.subtree).lower() in EN.openers for t in c.subtree}
    names = _names(clause, verb, skip, agent, reading)
    moved = {t.i for c in leading for t in c.subtree}
    frame = " ".join([clause_text(verb, skip | moved, names), *(lower_first(render(c.subtree, replace=names))
                                                                for c in leading  # "first" is no picture
                                                                if render(c.subtree).lower() not in EN.first_markers)])
    frame = _doing(subject, clause, names) * (agent in (None, hero)) + frame.strip()
    thing = subject is not None and agent is None and subject.i in clause.full and (
        subject.pos_ == "NOUN" or subject.lower_ in word_set("indefinite_pronouns"))  # "but nobody waves back"
    if thing:  # "when spring comes", "when the fire bell rings": the thing acts, not the main character
        agent = Entity(head=subject.lemma_.lower(), phrase=render(subject.subtree).lower())
    if agent is not None and agent is not hero:
        frame = f"{agent.name or agent.short or agent.phrase} {frame}"
    partner = next((c for c in (subject.children if subject is not None else []) if c.dep_ == "conj"
                    and c.pos_ in ("NOUN", "PROPN") and c.i in clause.full), None)  # "a girl and her grandfather fly"
    if partner is not None and (agent is None or agent is hero):
        together = True
        mate = render(t for t in partner.subtree if t.dep_ not in ("cc", "punct"))
    else:
        mate = _mate(reading, clause) if together else ""
    if mate and mate.split()[-1] not in frame:
        frame += f" with {mate}"
    who = (agent or hero).label if not together else f"{hero.label} and {mate or 'the child'}"
    text = clause_caption(who, verb, skip | moved, names, plural=together or bool(agent and agent.plural))
    extra = " ".join(render(c.subtree, replace=names) for c in leading)
    things = [t.lemma_.lower() for t in verb.subtree if t.pos_ == "NOUN" and t.i not in skip]
    named = frozenset(e.name for e in reading.entities if e.name)
    event = Event(agent=agent, frame=frame, caption=sentence(f"{extra}, {lower_first(text, named)}") if extra else text,
                  verb=lemma_of(verb.text) if verb.tag_.startswith("VB") else verb.lemma_.lower(), things=things)
    event.parts = one_by_one(verb, skip | moved, names, who, agent is not None and agent is not hero)
    return event


def _doing(subject, clause, names: dict[int, str]) -> str:
    """What the subject is doing as the clause's verb happens ("old man fishing/acl in a hole catches nothing"),
    said first: "fishing in a hole, "."""
    doing = [c for c in (subject.children if subject is not None else []) if c.dep_ == "acl" and c.tag_ == "VBG"
             and c.i in clause.full]
    return "".join(f"{render(c.subtree, replace=names)}, " for c in doing)


def _shown(clause, verb, subject, reading) -> Event | None:
    """What a frame is said to show, as said ("the last picture shows a little flower growing where he stood")."""
    shown = next((c for c in verb.children if c.dep_ in ("dobj", "ccomp")), None)
    if shown is None:
        return None
    names = _names(clause, verb, {t.i for t in subject.subtree}, None, reading, hero_too=True)
    frame = render(shown.subtree, replace={i: n.removesuffix("'s") for i, n in names.items()})
    return Event(agent=None, frame=frame, caption=sentence(frame), verb=verb.lemma_.lower())


def _purpose(clause) -> bool:
    """Whether a clause says what the one before is for ("so his grandmother can see it", "so that…"): "so" and
    a modal verb, in a clause that hangs on the one before (a run-on "…so the doctor can reach…" is a moment)."""
    verb = clause.whole[clause.full[clause.verb.i]] if clause.verb.i in clause.full else clause.verb
    return verb.dep_ == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ == "so" for c in verb.children) \
        and any(c.tag_ == "MD" for c in verb.children)


def _mate(reading, clause) -> str:
    """Who acts with the main character in a "they" or "we" clause: the latest other one mentioned before that
    is the main character's own ("his best friend Ava", "her dog"), else the latest other one."""
    before = min(clause.full.values(), default=0)
    mates = [e for e in reading.entities if e is not reading.hero and e.first < before and e.animate]
    mates = [e for e in mates if e.owner is reading.hero] or mates
    mates = [e for e in mates if not e.said_as_owner] or mates  # "they leave his grandmother's cottage, cross a
    # bridge": not with the grandmother
    return (mates[-1].name or mates[-1].short) if mates else ""


def _names(clause, verb, skip: set[int], agent, reading, hero_too: bool = False) -> dict[int, str]:
    """Pronouns of the clause replaced by what they mean ("dries it" → "dries the stray kitten"); the main
    character's own too where the picture is not of it acting (`hero_too`)."""
    refers, hero, names = reading.refers, reading.hero, {}
    for token in verb.subtree:
        if token.i in skip or token.pos_ != "PRON":
            continue
        entity = refers.get(clause.full.get(token.i))
        possessive = token.dep_ == "poss" or token.tag_ == "PRP$"
        if token.lower_ in word_set("narrator_words"):
            names[token.i] = "the" if possessive else "the child"
        elif entity is None or (entity is hero and (possessive or agent in (None, hero)) and not hero_too):
            continue  # the main character's own "her", "his" stay; the character is the picture's subject
        elif possessive and (entity.head in render(t for t in verb.subtree if t.i < token.i) or any(
                refers.get(clause.full.get(t.i)) is entity for t in verb.subtree if t.i < token.i)):
            continue  # "returns the otter to its family", "returns it to its family": named just before
        elif possessive:
            names[token.i] = f"{entity.name or entity.short or entity.phrase}'s"
        else:
            names[token.i] = entity.name or entity.short or entity.phrase
    return names
