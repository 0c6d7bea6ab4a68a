"""Reading an English idea with a dependency parser: who the story is about, what happens, and where.

`read_idea("A girl finds a stray kitten in the rain, dries it with a towel, and lets it sleep on her pillow")`
gives the character ("girl"), and one `Event` per clause, in order, with every pronoun replaced by what it
refers to ("letting the stray kitten sleep on her pillow"), the actor of each clause (the main character, or
"the dolphin" in "...and it guides him home"), and the places and things of the idea's world, which
`expand_events` uses to add beats when a person asks for more frames than the idea has events.

The parse is spaCy's `en_core_web_sm`. A clause is parsed again on its own, with its subject in front
("flies over the whole town" → "The kite flies over the whole town"), because the small model reads verbs in
long coordinated sentences as nouns. Frames are in the 1Prompt1Story form (a gerund phrase without the
character); captions are full sentences for the reader.

Longer than 300 lines: one reader over spaCy's dependency tree; its rules (clauses, coreference, the
character, places, beats) share the same token helpers, and tests/test_agent_language.py pins each rule by kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from language import nlp

# Nouns that frame a story rather than star in it: "the journey of X", "a week in the life of X".
FRAMING_NOUNS = {"story", "tale", "journey", "adventure", "legend", "fable", "saga", "ballad", "diary", "quest",
                 "life", "day", "week", "month", "year", "summer", "winter", "spring", "autumn", "night",
                 "history", "account", "memoir", "book", "chronicle", "picture", "comic", "odyssey"}
# Time spans a framing noun gives, and the moments an idea without events is shown at.
TIME_SPANS = {
    "day": ["in the early morning", "at midday", "in the late afternoon", "in the evening", "at night"],
    "week": ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"],
    "year": ["in spring", "in summer", "in autumn", "in winter"],
    "month": ["at the start of the month", "in the second week", "in the third week", "at the end of the month"],
    "summer": ["in early summer", "on a hot midsummer day", "at the end of summer"],
    "winter": ["on the first snowy day", "in the middle of winter", "as winter ends"],
    "night": ["at dusk", "at midnight", "just before dawn"],
}
OPENERS = {"once upon a time", "one day", "one morning", "one evening", "one night", "long ago", "long, long ago",
           "a long time ago", "once", "later", "then", "finally", "at last", "in the end", "suddenly"}
CONNECTIVES = {"then", "finally", "eventually", "later", "soon", "next", "also", "afterwards", "so", "and", "but"}
CLAUSE_BREAKS = {"and", "but", "then", ",", ";", "while", "so", "until", "when"}  # "until it grows": its own moment
PERSON_PRONOUNS = {"he", "him", "she", "her", "they", "them", "it"}
CHANGE_VERBS = {"turn", "change", "transform", "grow", "make", "become"}
# Weather a clause like "it was snowing" sets for the frames of its sentence.
WEATHER_VERBS = {"rain": "in the rain", "snow": "in the snow", "storm": "in a storm", "hail": "in the hail",
                 "pour": "in the pouring rain", "drizzle": "in a light drizzle"}
# Verbs that only introduce what a picture should show: "frame 5 should show him waving goodbye".
SHOWING_VERBS = {"show", "make", "let", "have", "see", "depict", "feature", "want", "need", "draw", "picture"}
# Verbs whose "to ..." is the character's own wish, which a later beat can fulfil ("wants to see the sunrise").
WISH_VERBS = {"want", "wish", "hope", "dream", "long", "try", "decide", "plan", "yearn", "set out", "need", "mean"}
MAKING_VERBS = {"grow", "build", "make", "bake", "paint", "draw", "write", "knit", "sew", "cook", "create",
                "craft", "carve", "design", "compose", "sculpt"}
NOTICING_VERBS = {"spot", "find", "see", "notice", "discover", "meet"}
# How a character reaches a place, by the preposition the idea used: "in the snow" → "walking through the snow".
PLACE_ARRIVALS = {"through": ("head", "into"), "across": ("head", "into"), "to": ("set", "out for"),
                  "into": ("head", "for"), "toward": ("head", "toward"), "towards": ("head", "toward")}
TIME_WORDS = {"morning", "afternoon", "evening", "night", "day", "week", "month", "year", "spring", "summer",
              "autumn", "fall", "winter", "end", "beginning", "start", "middle", "time", "moment", "while", "dawn",
              "dusk", "midnight", "noon", "sunrise", "sunset", "hour", "minute", "season"}
PLACE_PREPOSITIONS = {"in", "on", "at", "through", "across", "into", "to", "over", "near", "under", "inside", "along",
                      "around", "onto", "toward", "towards", "by"}


@dataclass
class Event:
    """One thing that happens: `actor` ("" = the main character) does `verb` (a lemma) + `rest`."""

    verb: str
    rest: str
    actor: str = ""
    passive: bool = False
    wish: str = ""  # "see the sunrise just once" for "wants to see the sunrise just once"
    new_object: str = ""  # "a stray kitten" for "finds a stray kitten in the rain"
    plural: bool = False  # the actor is plural: "the firemen arrive"
    negated: bool = False  # "does not find the key"
    kind: str = "event"  # an added beat says how it was found: wish, made, spot, after, arrive, thing, moment
    about: str = ""  # what an added beat is about: its place, thing or moment

    def frame(self) -> str:
        if not self.verb:  # a moment, not an action: "the lonely snowman on Monday"
            return self.rest
        verb = f"being {nlp.participle(self.verb)}" if self.passive else nlp.gerund(self.verb)
        return " ".join(p for p in (self.actor, "not" if self.negated else "", verb, self.rest) if p)

    def caption(self, subject: str, plural_subject: bool = False) -> str:
        who = self.actor or subject
        if not self.verb:
            return f"Here {'are' if plural_subject else 'is'} {self.rest}."
        many = self.plural if self.actor else plural_subject
        if self.passive:
            verb = f"{'are' if many else 'is'} {nlp.participle(self.verb)}"
        elif self.negated:
            verb = f"{'do' if many else 'does'} not {self.verb}" if self.verb != "be" else (
                "are not" if many else "is not")
        else:
            verb = ({"be": "are"}.get(self.verb, self.verb) if many else nlp.third_person(self.verb))
        text = " ".join(p for p in (who, verb, self.rest) if p)
        return text[:1].upper() + text[1:] + "."


@dataclass
class IdeaReading:
    """What the parser found in an idea (all English)."""

    character: str  # the main character's noun, compounds kept: "lighthouse keeper"
    adjectives: list[str] = field(default_factory=list)  # "old", "red"
    name: str = ""  # "Pepper" in "my dog Pepper"
    clothing: list[str] = field(default_factory=list)  # "yellow raincoat" (from "in a yellow raincoat")
    features: list[str] = field(default_factory=list)  # "a broken wing" (from "with a broken wing")
    events: list[Event] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)  # ("on", "the busy street")
    things: list[str] = field(default_factory=list)  # other characters and objects: "the stray kitten"
    span: str = ""  # "week" for "a week in the life of ..."
    gender: str = "it"  # how the idea refers to the main character: "she", "he", "it" or "they" (several)
    plural: str = ""  # "two brothers": the character's plural form, with its number word

    @property
    def subject(self) -> str:
        """How a caption names the main character: "Pepper", "the old fisherman", "the two brothers"."""
        return self.name or f"the {' '.join([*self.adjectives, self.plural or self.character])}"


def _phrase(token, *, definite: bool = False) -> str:
    """The noun phrase of `token` without relative clauses or prepositional tails ("a stray kitten")."""
    words = list(token.doc[token.left_edge.i:token.i + 1])
    if words and words[0].dep_ == "det" and definite and token.pos_ != "PROPN":  # "the South Pole" stays
        words = words[1:]
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None and token.dep_ != "pobj":  # "a piece of cheese", "a message in ..." stays short
        words += list(token.doc[of.i:of.right_edge.i + 1])
    text = " ".join(t.text if t.pos_ == "PROPN" else t.lower_ for t in words).replace(" 's", "'s")
    if definite and not any(t.dep_ in ("poss", "det") for t in words[:2]) and token.pos_ != "PROPN":
        text = "the " + text
    return text


def _unwrap(token):
    """Follow framing nouns to the one they frame: "tale" → "of" → "kite"; returns (noun, span word)."""
    span = ""
    seen = 0
    while token is not None and token.lemma_.lower() in FRAMING_NOUNS and seen < 4:
        seen += 1
        if token.lemma_.lower() in TIME_SPANS and not span:
            span = token.lemma_.lower()
        inner = None
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "about", "in"):
                inner = next((t for t in prep.children if t.dep_ == "pobj"), None)
                if inner is not None and (prep.lower_ != "in" or inner.lemma_.lower() in FRAMING_NOUNS):
                    break
                inner = None
        if inner is None:
            break
        token = inner
    return token, span


def _main_character(sentence):
    """(noun token, name, time span) of the sentence's main character."""
    root = sentence.root
    if root.pos_ in ("NOUN", "PROPN"):  # no verb: "The tale of a kite", or a list "penguin, balloon, rainbow"
        candidate = root if root.lemma_.lower() in FRAMING_NOUNS else next(
            t for t in sentence if t.pos_ in ("NOUN", "PROPN"))
    else:  # the earliest subject: "a red fox loses its scarf, a crow helps" is about the fox
        candidate = next((t for t in sentence if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ != "PRON"
                          and t.tag_ not in ("WDT", "WP")), None)
        if candidate is None:
            candidate = next((t for t in root.children if t.dep_ in ("attr", "dobj")), None)
    if candidate is None or candidate.pos_ == "PRON":
        candidate = next((t for t in sentence if t.pos_ in ("NOUN", "PROPN")), None)
        if candidate is None:
            return None, "", ""
    candidate, span = _unwrap(candidate)
    name = ""
    if candidate.pos_ == "PROPN":
        noun = next((t for t in candidate.children if t.dep_ in ("compound", "appos") and t.pos_ == "NOUN"), None)
        if noun is not None:
            name, candidate = candidate.text, noun
    else:
        proper = next((t for t in candidate.children if t.dep_ in ("appos", "compound") and t.pos_ == "PROPN"),
                      None)
        named = next((t for t in candidate.children if t.dep_ == "acl" and t.lemma_ in ("name", "call")), None)
        if named is not None:
            proper = next((t for t in named.subtree if t.pos_ == "PROPN"), proper)
        following = candidate.nbor(1) if candidate.i + 1 < len(candidate.doc) else None
        if proper is None and following is not None and following.pos_ == "PROPN" and following.dep_ in (
                "nsubj", "appos", "npadvmod", "compound"):
            proper = following  # "my grandmother's cat Mochi"
        name = proper.text if proper is not None else ""
    return candidate, name, span


def _look(noun, reading: IdeaReading) -> None:
    """Adjectives, compounds, clothing ("in a yellow raincoat", "wearing ...") and features ("with ...")."""
    compounds = [t.lower_ for t in noun.lefts if t.dep_ == "compound" and t.pos_ == "NOUN"]
    reading.character = " ".join([*compounds, noun.lemma_.lower()])
    reading.adjectives = [t.lower_ for t in noun.lefts if t.dep_ in ("amod", "nmod") and t.pos_ in ("ADJ", "NOUN")
                          and t.lower_ not in compounds]
    before = noun.i - len(compounds) - len(reading.adjectives) - 1
    while before >= 0 and noun.doc[before].pos_ == "ADJ":  # "a tiny turtle races": attached elsewhere by mistake
        reading.adjectives.insert(0, noun.doc[before].lower_)
        before -= 1
    from language.glossary import CLOTHING

    worn = {item.split()[-1] for item in CLOTHING}
    for child in noun.rights:
        obj = next((t for t in child.children if t.dep_ == "pobj"), None) if child.dep_ == "prep" else None
        if obj is None:
            continue
        phrase = " ".join(t.lower_ for t in obj.lefts if t.dep_ in ("amod", "compound")) + " " + obj.lower_
        if child.lower_ == "in" and obj.lemma_.lower() in worn or child.lower_ == "with":
            (reading.clothing if child.lower_ == "in" else reading.features).append(phrase.strip())
        elif child.lower_ in PLACE_PREPOSITIONS and obj.lemma_.lower() not in TIME_WORDS:
            reading.places.append((child.lower_, _phrase(obj, definite=True)))  # "an astronaut on the moon"
        elif child.dep_ == "acl" and child.lemma_ == "wear":
            obj = next((t for t in child.children if t.dep_ == "dobj"), None)
            if obj is not None:
                reading.clothing.append(" ".join(t.lower_ for t in obj.subtree if t.dep_ != "det"))


def _segments(sentence) -> list[list]:
    """The sentence cut into clause candidates at coordinators, commas and relative pronouns."""
    parts: list[list] = [[]]
    for token in sentence:
        relative = token.tag_ in ("WDT", "WP") and token.i > sentence.start and token.nbor(-1).pos_ in ("NOUN", "PROPN")
        in_subject = token.dep_ == "cc" and token.head.dep_ in ("nsubj", "nsubjpass")  # "A girl and her dog explore"
        if token.lower_ in CLAUSE_BREAKS and token.dep_ in ("cc", "punct", "advmod", "mark") and not in_subject \
                or relative:
            parts.append([])
            if relative:
                parts[-1].append(token)
            continue
        if token.is_punct and token.i == sentence.end - 1:
            continue
        parts[-1].append(token)
    return [p for p in parts if p]


def verb_lemma(token) -> str | None:
    """The verb lemma of `token`, also when the small model tagged a verb as a plural noun ("She sails/NNS")."""
    from lemminflect import getAllLemmas, getLemma

    if token.pos_ in ("VERB", "AUX"):  # lemminflect: spaCy's small model lemmatizes "hated" as "hat"
        return (getLemma(token.lower_, upos="AUX" if token.pos_ == "AUX" else "VERB") or (token.lemma_,))[0].lower()
    if token.tag_ == "NNS":
        verbs = getAllLemmas(token.lower_).get("VERB")
        return verbs[0] if verbs else None
    return None


@dataclass
class _Clause:
    doc: object  # the clause parsed on its own
    verb: object  # its main verb token
    subject_given: bool  # the clause had its own subject


def _as_clause(tokens, subject: str) -> _Clause | None:
    """Parse a segment as a clause, with `subject` in front when it has none; None when it has no verb."""
    text = " ".join(t.text for t in tokens).replace(" 's", "'s").replace(" n't", "n't")
    words = [t for t in tokens if t.lower_ not in CONNECTIVES or t.dep_ not in ("advmod", "cc")]
    if not words or len(words) == 1 and not words[0].tag_.startswith("VB"):
        return None  # "balloon" in a list of things is no event
    first = words[0]
    if first.tag_ in ("WDT", "WP"):  # "who wants to see the sunrise": the noun before it is the subject
        text = text.split(" ", 1)[1] if " " in text else ""
    else:  # its own subject, wherever it stands ("In a small village lived a baker")
        doc = nlp.parse(text)
        root = doc[:].root
        if verb_lemma(root) and any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in root.children):
            return _Clause(doc, root, True)
        # "the tall man with the red tie waits", "a tiny turtle races a rabbit": a verb read as a plural noun
        verb = next((t for t in doc[1:] if t.tag_ == "NNS" and verb_lemma(t) and t.dep_ in ("pobj", "conj", "ROOT")
                     and doc[t.i - 1].pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in FRAMING_NOUNS
                     and (t.i + 1 == len(doc) or doc[t.i + 1].pos_ in ("DET", "ADP", "ADV", "PRON", "PUNCT"))),
                    None)
        if verb is not None:
            doc = nlp.parse(f"{subject} {doc[verb.i:].text}")
            if verb_lemma(doc[1]):
                return _Clause(doc, doc[1], False)
    for t in words:
        if t.lower_ in CONNECTIVES and t.i == tokens[0].i:
            text = text.split(" ", 1)[1] if " " in text else ""
    doc = nlp.parse(f"{subject} {text}")
    root = doc[:].root
    if not verb_lemma(root) or root.i < len(subject.split()):
        return None
    return _Clause(doc, root, False)


class _Referents:
    """What pronouns can point to: the main character and the things introduced so far, newest last, each
    with its grammatical number ("it" is a kitten, "them" the missing cookies)."""

    def __init__(self, reading: IdeaReading, gender: str):
        self.reading = reading
        self.gender = gender  # "he", "she" or "it": how the idea refers to the main character
        self.things: list[tuple[str, bool]] = []  # (definite noun phrase, plural)

    def promote(self, phrase: str, plural: bool = False) -> None:
        """`phrase` was just mentioned: it is now the likeliest referent."""
        self.things = [t for t in self.things if t[0] != phrase] + [(phrase, plural)]

    def demote(self, phrase: str, plural: bool = False) -> None:
        """`phrase` was mentioned after a preposition: a referent only when nothing likelier is there."""
        if all(t[0] != phrase for t in self.things):
            self.things.insert(0, (phrase, plural))

    def resolve(self, pronoun: str) -> str | None:
        """The noun phrase for a personal pronoun, None for the main character."""
        lower = pronoun.lower()
        personal = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she", "hers": "she"}
        if lower in personal:
            if personal[lower] == self.gender or self.gender == "it":
                return None
            return next((t for t, plural in reversed(self.things) if not plural), None)
        plural = lower in ("they", "them", "their", "theirs")
        if plural and self.gender == "they":
            return None
        match = next((t for t, many in reversed(self.things) if many == plural), None)
        if match is None and plural and self.things:  # "they became friends": the character and the other one
            return f"{self.reading.subject} and {self.things[-1][0]}"
        if match is None and self.gender == "it":
            return None
        return match

def _expletive(clause: _Clause) -> bool:
    """"It was snowing", "there was a princess": no one acts."""
    subject = next((t for t in clause.verb.children if t.dep_ in ("nsubj", "expl")), None)
    weather = (verb_lemma(clause.verb) or "") in WEATHER_VERBS and subject is not None and subject.lower_ == "it"
    return weather or subject is not None and subject.dep_ == "expl"


def _gender(doc, character: str) -> str:
    for token in doc:
        if token.lower_ in ("she", "her", "hers", "herself"):
            return "she"
        if token.lower_ in ("he", "him", "his", "himself"):
            return "he"
    return "it"


def _note_noun(token, reading: IdeaReading, refs: _Referents) -> None:
    """Record a noun of a clause as a place ("in the backyard"), or as a thing pronouns may point to: a direct
    object goes on top ("dries it with a towel": a later "it" is still the kitten), a noun after a
    preposition underneath."""
    if token.pos_ not in ("NOUN", "PROPN") or token.lemma_.lower() == reading.character.split()[-1]:
        return
    phrase = _phrase(token, definite=True)
    prep = token.head if token.dep_ == "pobj" else None
    if prep is not None:
        if token.lemma_.lower() in TIME_WORDS or any(t.dep_ == "poss" for t in token.lefts):
            return
        describes = prep.head.tag_ == "VBN" and prep.head.dep_ in ("acl", "advcl")  # "a dolphin tangled in a net"
        becomes = prep.lower_ == "into" and prep.head.lemma_.lower() in CHANGE_VERBS  # "turns her into a frog"
        if prep.lower_ in PLACE_PREPOSITIONS and not describes and not becomes:
            if all(phrase != p for _, p in reading.places):
                reading.places.append((prep.lower_, phrase))
            return
        refs.demote(phrase, token.tag_ in ("NNS", "NNPS"))
        return
    if token.lemma_.lower() in TIME_WORDS:  # "every day" is when, not what
        return
    if token.dep_ in ("dobj", "npadvmod", "attr", "oprd", "nsubj", "nsubjpass", "conj"):
        refs.promote(phrase, token.tag_ in ("NNS", "NNPS"))
        if phrase not in reading.things:
            reading.things.append(phrase)


def _event(clause: _Clause, reading: IdeaReading, refs: _Referents) -> Event:
    """One clause as an event: who acts (a pronoun resolved), the verb, its objects, places and time.

    Longer than 50 lines: the parts are read from one subtree in one walk, each a few lines that depend on the
    parts before it.
    """
    doc, verb = clause.doc, clause.verb
    actor = ""
    subject = next((t for t in verb.children if t.dep_ in ("nsubj", "nsubjpass")), None)
    together, plural = "", False
    if clause.subject_given and subject is not None:
        if subject.pos_ == "PRON":
            resolved = refs.resolve(subject.text) if subject.lower_ not in ("i", "we", "you") else None
            actor, plural = resolved or "", subject.lower_ == "they"
            if actor.startswith(f"{reading.subject} and "):  # "they became friends": with the other one
                together, actor = actor[len(reading.subject) + 5:], ""
        elif subject.lemma_.lower() == reading.character.split()[-1] or subject.text == reading.name:
            companion = next((c for c in subject.children if c.dep_ == "conj"), None)  # "a girl and her dog"
            if companion is not None:
                together = _phrase(companion, definite=True).replace("her ", "the ").replace("his ", "the ")
                refs.promote(together)
        else:
            actor = _phrase(subject)
            plural = subject.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subject.children)
            refs.promote(_phrase(subject, definite=True), plural)
            reading.things.append(_phrase(subject, definite=True))
    passive = any(t.dep_ == "auxpass" for t in verb.children)
    lemma = verb_lemma(verb) or verb.lemma_.lower()
    particles = [t for t in verb.children if t.dep_ == "prt" and t.i == verb.i + 1]
    if particles:
        lemma += " " + particles[0].lower_
    negated = any(t.dep_ == "neg" for t in verb.children)
    skip = {t.i for child in verb.children if child.dep_ in ("nsubj", "nsubjpass") for t in child.subtree}
    skip |= {t.i for t in verb.children if t.dep_ in ("aux", "auxpass", "neg", "punct", "cc", "mark", "expl")}
    skip |= {t.i for t in verb.children if t.lower_ in CONNECTIVES and t.dep_ == "advmod"}
    skip |= {t.i for t in particles}
    inside = {t.i for t in verb.subtree}
    if not clause.subject_given:
        skip.add(0)  # the pronoun put in front of a clause without its own subject
    if not actor:  # "In a small village lived a baker named Rosa": the character is no object of its own verb
        for child in verb.children:
            if child.dep_ in ("dobj", "attr") and (child.lemma_.lower() == reading.character.split()[-1]
                                                   or child.text == reading.name):
                skip |= {t.i for t in child.subtree}
    after = [t for t in doc if t.i > verb.i and t.i not in skip]
    fronted = [t for t in doc if t.i < verb.i and t.i in inside and t.i not in skip  # "In a small village lived"
               and t.text != reading.name]
    for child in verb.children:  # "Once upon a time", "One day": how a story opens, not what a picture shows
        if child.i < verb.i and doc[child.left_edge.i:child.right_edge.i + 1].text.lower() in OPENERS:
            fronted = [t for t in fronted if not child.left_edge.i <= t.i <= child.right_edge.i]
    words: list[str] = []
    for token in after + fronted:
        if token.is_punct and token.i == len(doc) - 1:
            continue
        if token.pos_ == "PRON" and token.lower_ in PERSON_PRONOUNS | {"its", "their", "his", "hers"}:
            target = refs.resolve(token.text)
            possessive = token.tag_ == "PRP$" or token.dep_ == "poss"
            acting_main = not actor
            if target is None:  # the main character
                if possessive and acting_main:
                    words.append("the")  # "losing its scarf" → "losing the scarf": the frame's own actor
                elif possessive:
                    words.append(f"{reading.subject}'s")
                elif token.dep_ in ("nsubj", "nsubjpass") and acting_main:
                    words.append(token.lower_)  # the subject of an inner clause: "the crows he is meant to scare"
                else:
                    words.append(reading.subject if not acting_main else
                                 {"it": "itself", "she": "herself", "they": "themselves"}.get(refs.gender, "himself"))
            else:
                words.append(f"{target}'s" if possessive else target)
                if " and " not in target:
                    refs.promote(target, token.lower_ in ("they", "them", "their"))
            continue
        if token.lower_ in ("my", "our", "your"):
            words.append("the")
            continue
        words.append(token.text if token.pos_ == "PROPN" or token.i > verb.i else token.lower_)
        _note_noun(token, reading, refs)
    rest = " ".join(words).replace(" 's", "'s").replace(" n't", "n't").replace(" ,", ",")
    if together:
        rest = f"{rest} with {together}".strip()
    wish = ""
    xcomp = next((t for t in verb.children if t.dep_ == "xcomp" and t.pos_ == "VERB"), None)
    if lemma in WISH_VERBS and xcomp is not None and any(t.lower_ == "to" for t in xcomp.children):
        tail = f" {rest}".split(" to ", 1)
        wish = tail[1] if len(tail) == 2 else ""
    obj = next((t for t in verb.children if t.dep_ in ("dobj", "npadvmod") and t.pos_ == "NOUN"
                and t.i not in skip and any(d.lower_ in ("a", "an") for d in t.lefts)), None)
    new_object = _phrase(obj) if obj is not None else ""
    return Event(verb=lemma, rest=rest, actor=actor, passive=passive, wish=wish, new_object=new_object,
                 plural=plural, negated=negated)


def read_idea(text: str) -> IdeaReading:
    """Parse an English idea into its main character, events, places and things."""
    doc = nlp.parse(text)
    sentences = list(doc.sents)
    noun, name, span = None, "", ""
    for sentence in sentences:
        noun, name, span = _main_character(sentence)
        if noun is not None:
            break
    reading = IdeaReading(character=noun.lemma_.lower() if noun is not None else "traveler", name=name, span=span)
    if noun is not None:
        _look(noun, reading)
    reading.gender = _gender(doc, reading.character)
    if noun is not None and noun.tag_ == "NNS":  # "two brothers": they, their, them are the characters
        number = next((t.lower_ for t in noun.lefts if t.dep_ == "nummod"), "")
        reading.plural, reading.gender = " ".join(p for p in (number, noun.lower_) if p), "they"
    if not reading.span:  # "a diary of a grumpy cat during a rainy week"
        reading.span = next((t.lemma_.lower() for t in doc if t.lemma_.lower() in TIME_SPANS and (
            t.dep_ == "npadvmod" or t.dep_ == "pobj" and t.head.lower_ in ("during", "for", "over", "through"))), "")
    refs = _Referents(reading, reading.gender)
    subject = {"she": "She", "he": "He"}.get(refs.gender, "It")  # a pronoun keeps "sails" a verb
    for sentence in sentences:
        first, weather = len(reading.events), ""
        for segment in _segments(sentence):
            clause = _as_clause(segment, subject)
            if clause is None and noun is not None and noun.i in {t.i for t in segment}:
                continue  # "The tale of a red kite": the framing, no event
            if clause is None:
                if reading.events and segment:  # "red, yellow and blue balloons": part of the last event
                    reading.events[-1].rest += ", " + " ".join(t.text for t in segment)
                continue
            if _expletive(clause):
                weather = weather or WEATHER_VERBS.get(verb_lemma(clause.verb) or "", "")
                continue  # "It was snowing", "There was a princess": a setting, not an event
            reading.events.append(_event(clause, reading, refs))
        for event in reading.events[first:] if weather else ():
            event.rest = f"{event.rest}, {weather}".strip(", ")
    if not reading.events and noun is not None:  # a list of things ("penguin, balloon, mountain") is its world
        for chunk in doc.noun_chunks:
            if chunk.root.i != noun.i and chunk.root.pos_ == "NOUN" and \
                    chunk.root.lemma_.lower() not in FRAMING_NOUNS | TIME_WORDS:
                reading.things.append(_phrase(chunk.root, definite=True))
    return reading


def expand_events(reading: IdeaReading, count: int) -> list[Event]:
    """Exactly `count` events: the idea's own, grouped when there are too many, or extended from the idea's
    own world when there are too few (a wish comes true, the first place is reached, the last moment is
    held, the time span passes), never from a list of unrelated scenes.

    Longer than 50 lines: the extension rules are one ordered list, each tried while events are missing.
    """
    events = list(reading.events)
    if len(events) >= count:
        bounds = [round(i * len(events) / count) for i in range(count + 1)]
        grouped = []
        for i in range(count):
            part = events[bounds[i]:bounds[i + 1]]
            first = part[0]
            extra = " and ".join(e.frame() for e in part[1:])
            grouped.append(Event(first.verb, " ".join(p for p in (first.rest, "and " + extra if extra else "") if p),
                                 first.actor, first.passive))
        return grouped
    # 1. a wish comes true right after it is made ("wanting to see the sunrise" → "seeing the sunrise")
    for index in reversed(range(len(events))):
        wish = events[index].wish
        if len(events) < count and wish and not events[index].actor:
            verb, _, rest = wish.partition(" ")
            events.insert(index + 1, Event(nlp.parse(f"to {verb}")[1].lemma_.lower(), rest, kind="wish"))
    # 2. a made thing is admired when it is done ("growing a garden" → "admiring the grown garden")
    made = next((e for e in reversed(events) if e.verb in MAKING_VERBS and e.new_object and not e.actor), None)
    if len(events) < count and made is not None:
        noun = made.new_object.split(" ", 1)[1]
        events.insert(events.index(made) + 1, Event("admire", f"the {nlp.participle(made.verb)} {noun}",
                                                    kind="made", about=noun))
    # 3. a new thing is noticed before the first thing done with it ("spotting a stray kitten")
    first = next((i for i, e in enumerate(events) if not e.actor and e.new_object
                  and e.verb not in NOTICING_VERBS | MAKING_VERBS
                  and not any(e.new_object.split()[-1] in earlier.frame() for earlier in events[:i])), None)
    if len(events) < count and first is not None:
        events.insert(first, Event("spot", events[first].new_object, kind="spot", about=events[first].new_object))
    # 4. the last moment, held after it happens
    last = events[-1] if events else None
    if len(events) < count and last is not None and not last.passive and last.verb not in ("admire", ""):
        events.append(Event("look", f"back happily after {last.frame()}", kind="after") if not last.actor
                      else Event("look", f"at {_definite(last.actor)} one last time", kind="after",
                                 about=_definite(last.actor)))
    # 5. the places of the idea, reached in turn, the first one before anything happens
    for k, (prep, place) in enumerate(reading.places):
        if len(events) >= count:
            break
        verb, how = PLACE_ARRIVALS.get(prep, ("arrive", prep if prep in ("in", "on", "at") else "at"))
        events.insert(0 if k == 0 else len(events) - 1, Event(verb, f"{how} {place}", kind="arrive", about=place))
    # 6. the things of the idea no event shows yet ("🐧🎈🌈": the penguin with the balloon)
    description = " ".join([*reading.adjectives, reading.plural or reading.character])
    shown = " ".join(e.frame() for e in events)
    for thing in reading.things:
        if len(events) < count and thing.split()[-1] not in shown and "'" not in thing:
            events.append(Event("", f"the {description} with {thing}", kind="thing", about=thing))
    # 7. the time span the idea names (a day by default), the character at successive moments
    moments = TIME_SPANS.get(reading.span or "day")
    description = " ".join([*reading.adjectives, reading.plural or reading.character])
    if reading.places and not reading.events:  # "an astronaut on the moon": the moments happen there
        description += " {} {}".format(*reading.places[0])
    for k in range(count - len(events)):
        again = " again" if k >= len(moments) else ""
        moment = moments[k % len(moments)]
        events.append(Event("", f"the {description} {moment}{again}", kind="moment", about=moment))
    return events[:count]


def event_from_frame(frame: str, new_object: str = "") -> Event:
    """A frame already in gerund form as an Event ("a crow helping search for the scarf": actor "a crow")."""
    from lemminflect import getLemma

    words = frame.split()
    k = next((i for i, w in enumerate(words) if w.endswith("ing") and len(w) > 4), None)
    if k is None:
        return Event("", frame)
    lemma = (getLemma(words[k], upos="VERB") or (words[k],))[0]
    return Event(lemma, " ".join(words[k + 1:]), actor=" ".join(words[:k]), new_object=new_object)


def _definite(phrase: str) -> str:
    """"a crow" → "the crow"."""
    first, _, rest = phrase.partition(" ")
    return f"the {rest}" if first.lower() in ("a", "an") and rest else phrase


def title_for(reading: IdeaReading) -> str:
    """"The Old Fisherman and the Dolphin", "Pepper and the Treasure Map", "The Lonely Snowman"."""
    small = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "with"}
    head = reading.name or "the " + " ".join([*reading.adjectives[:2], reading.plural or reading.character])
    thing = next((t for t in reading.things if len(t.split()) <= 4 and "'" not in t
                  and t.split()[0] not in ("its", "his", "her", "their")
                  and not (reading.name and reading.name in t) and reading.character not in t), "")
    text = f"{head} and {thing}" if thing else head
    words = text.replace("'s", "\u2019s").split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def clause_event(text: str, character: str) -> Event | None:
    """A described scene as an event: "she feeds the pigeons in the square" → frame "feeding the pigeons in the
    square", "she should be holding a trophy" → "holding a trophy"; None when `text` has no verb."""
    doc = nlp.parse(text)
    if not len(doc):
        return None
    root = doc[:].root
    if root.lemma_.lower() in SHOWING_VERBS:  # "show him waving goodbye", "make him hold a lantern"
        shown = next((t for t in root.children if t.dep_ in ("ccomp", "xcomp", "dep", "oprd")
                      and t.tag_ in ("VB", "VBG", "VBN")), None)
        if shown is not None:
            return clause_event(doc[shown.left_edge.i:shown.right_edge.i + 1].text, character)
        # else the verb is the scene itself when someone does it: "they have lunch on the boat"
    if root.pos_ not in ("VERB", "AUX") or root.lemma_.lower() == "change":
        return None
    reading = IdeaReading(character=character)
    refs = _Referents(reading, _gender(doc, character))
    subject = next((t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.lower_ in ("you", "i", "we"):
        return None
    if subject is None and (root.tag_ not in ("VBG", "VBN") and root.i != 0 or root.tag_ == "VB"):
        return None  # no one does it, or it is an order to us ("give it a rainbow")
    event = _event(_Clause(doc, root, subject is not None), reading, refs)
    if event.verb == "be" and not event.rest:
        return None
    return event


PERSON_SUFFIXES = ("man", "woman", "er", "ist", "or", "ess", "ian", "ant", "ent")


def character_kind(reading: IdeaReading, gender: str, people: set[str], animals: set[str],
                   others: set[str] = frozenset()) -> str:
    """"person", "animal" or "" (a thing): the tables first, then how the idea refers to it ("she")."""
    head = reading.character.split()[-1]
    if head in people:
        return "person"
    if head in animals:
        return "animal"
    if head in others:
        return ""
    if gender in ("he", "she") or reading.name or head.endswith(PERSON_SUFFIXES) and len(head) > 5:
        return "person"
    return ""
