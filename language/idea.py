"""One reading of an idea, never changed afterwards: who the story is about, its other characters, what happens
(one event per clause, pronouns resolved), where, and what the person asked around it.

The idea is first freed of what is said *to* the app ("for my 5-year-old:", "keep it short", "make it 6 frames
please", "write me a comic about", "the story of", "imagine"): those words never become the character or a frame;
a count in words sets the frame count, a framing noun may set the style ("a comic about" → comic). Then spaCy's
parse gives the entities (noun phrases, names, appositions), one coreference pass over pronouns (gender and
number agree, the nearest subject first), the main character by salience (mentions and subjects, not the first
noun), and the events. Each clause is parsed again on its own with its subject in front, because the small
model misreads verbs inside long coordinated sentences.

Longer than 300 lines: one walk over the tree for entities, pronouns and clauses; each rule needs the state
the walk has built (who was mentioned last, who is the subject).
"""

from __future__ import annotations

import functools
import re

from language.described import read_looks
from language.entities import Entity, Idea, entity_of, group_member
from language.lexicon import EN, entries, word_set
from language.looks import Looks, animate, kind_of, know_kinds
from language.phrases import is_name, render
from language.segments import misread_verb, opening_verb
from language.tools import parse


# --- what is said to the app ----------------------------------------------------------------------------------
@functools.cache
def _meta_patterns() -> dict[str, re.Pattern]:
    nouns = "|".join(sorted((re.escape(n) for n in EN.framing_nouns), key=len, reverse=True))
    verbs = "|".join(EN.framing_verbs)
    links = "|".join(sorted(EN.framing_links, key=len, reverse=True))
    numbers = "|".join(sorted([*EN.numbers, r"\d{1,2}"], key=len, reverse=True))
    pictures = r"(?:pictures?|frames?|panels?|images?|scenes?|pages?|illustrations?|drawings?|parts?|pics?)"
    adjectives = r"(?:(?:short|little|cute|funny|happy|sad|nice|simple|sweet|silly|scary|quick|lovely|cozy|cosy|" \
                 r"\w+-year-old|bedtime|magical|heartwarming|new|whole)\s+)*"
    return {
        "frame": re.compile(rf"^(?:(?:please|pls|ok|okay|so|hey|hi)\W+)*(?:(?:can|could|would|will) you\s+)?"
                            rf"(?:(?:{verbs})\s+(?:me|us|up)?\s*)?(?:a|an|the|one|my|this)?\s*{adjectives}"
                            rf"(?:(?:{nouns})\s+)+(?:{links})\s+", re.I),
        "imagine": re.compile(r"^(?:just\s+)?(?:imagine|show|draw|tell me about|picture)\s+(?:me\s+)?"
                              r"(?:(?:a|an)\s+(?:world|place|land|town|city|village|kingdom|day)\s+)?"
                              r"(?:where|if|that|when|how)?\s*", re.I),
        "ignore": re.compile(r"^.*?\bignore\b.*?\band\s+", re.I),
        "wants": re.compile(rf"^(?:my|our)\s+(?:\w+[- ]year[- ]old\s+|little\s+)?(?:{'|'.join(EN.requesters)})\s+"
                            rf"(?:{'|'.join(EN.request_verbs)})\s+", re.I),  # "my daughter wants a story about…"
        "count": re.compile(rf"\b(?:in|with|using|across|over|into|of)?\s*(?:just\s+|only\s+)?({numbers})"
                            rf"(?:\s+|-)(?:short\s+|little\s+)?{pictures}\b", re.I),
        "address": re.compile(r"\b(?:you|please|pls|thanks|thank you|can you|could you|i want|i'd like|keep it|"
                              r"make it|for my|for our|my kid|my son|my daughter|"
                              r"(?:my|our)\s+(?:\w+[- ])?years?[- ]olds?)\b", re.I),  # not "Mateo, a nine-year-old boy"
    }


CORE = ("dobj", "nsubj", "nsubjpass", "attr", "dative")  # where a mention is what the clause is about


def strip_meta(text: str) -> tuple[str, int | None, str | None]:
    """(the story's own words, a frame count the idea asks for, a style its framing names)."""
    patterns = _meta_patterns()
    count = None
    if match := patterns["count"].search(text):
        word = match.group(1).lower()
        count = int(word) if word.isdigit() else EN.numbers.get(word)
    kept = []
    for piece in re.split(r"(?<=[.!?])\s+|:\s+|\s*[;(]\s*|\)\s*|\s+[-–—]+\s+", text.strip()):  # "…please - a snowman"
        piece = patterns["count"].sub("", piece).strip(" ,.!?")
        if not piece or _addressed(piece):
            continue
        kept.append(piece)
    story = ". ".join(kept) or text
    style = None
    for _ in range(3):  # "write me a comic about a story of…": strip the framing layers
        found = next((m for key in ("wants", "frame", "imagine", "ignore") if (m := patterns[key].match(story))), None)
        if not found or found.end() == 0:
            break
        framing = story[:found.end()].lower()
        style = style or next((v.get("preset") for k, v in EN.styles.items() if re.search(rf"\b{k}\b", framing)
                               and v.get("preset")), None)
        story = story[found.end():]
    story = re.sub(r"\b(?:keep it|make it)\s+\w+(?:\s+please)?[.!]*$", "", story, flags=re.I).strip(" ,.")
    story = re.sub(r"^here(?:'s|’s| is)\s+(?=(?:a|an)\s)", "", story, flags=re.I)  # "here's a fox who bakes…"
    story = re.sub(r",?\s*\b(?:in|on) the (?:final|last|next|first|second) "
                   r"(?:picture|frame|panel|scene|page|image)s?\b,?", "", story, flags=re.I)  # where, not what
    story = _unstick(_hyphenated_verbs(story))
    return story, (count if count and 1 <= count <= 12 else None), style


def _unstick(text: str) -> str:
    """A verb the small model reads as a noun after a noun ("a teddy bear waits/NNS for", "her grandpa plant/NN a
    tree") gets "then" before it, which the model reads as a verb's; "then" never reaches a frame. An adjective
    said after its noun gets "who is" ("a knight who is afraid of horses"): how the character is, a moment."""
    from lemminflect import getAllLemmas

    doc, cuts = parse(text), []
    for token in doc[1:-1]:
        before, after = doc[token.i - 1], doc[token.i + 1]
        named = token.dep_ == "oprd" and token.head.lemma_ in ("name", "call")  # "a girl named Ploy searches"
        verb = "VERB" in getAllLemmas(token.lower_)
        if token.tag_ in ("NN", "NNS") and (token.dep_ in ("ROOT", "conj", "appos") or named) and verb and \
                before.pos_ in ("NOUN", "PROPN") and after.pos_ in ("DET", "ADP", "PRON", "NUM", "ADJ") and \
                not (token.dep_ == "conj" and token.head.pos_ == "VERB") and (
                token.tag_ == "NNS" or _plural_before(token)) or token.tag_ in ("VBZ", "VBD") and token.dep_ in (
                "compound", "amod") and before.pos_ == "PROPN":  # "Nurse Amara works/compound night shifts"
            cuts.append((token.idx, "then"))
        elif token.tag_ == "NNS" and verb and token.dep_ == "conj" and before.lower_ == "and" and after.pos_ in (
                "ADP", "DET", "PRON") and token.head.head.tag_ == "VBZ":  # "enters the race and wins/NNS by…":
            cuts.append((token.idx, "then"))  # a verb like the one before it
        elif token.tag_ in ("NNS", "NN") and verb and token.lower_.endswith("s") and \
                getAllLemmas(token.lower_)["VERB"][0] != token.lower_ and \
                before.pos_ == "NOUN" and before.dep_ == "compound" and any(c.lower_ in ("a", "an") for c in
                                                                            token.children if c.dep_ == "det"):
            cuts.append((token.idx, "then"))  # "an old walrus guides/NNS lost pups home", "an explorer hacks/NN
            # through the jungle": "an" says one walrus, and "guides" is its verb
        elif token.pos_ == "ADJ" and token.dep_ == "amod" and token.head.i == token.i - 1 and animate(
                token.head.lemma_.lower()) and any(c.dep_ in ("prep", "xcomp") for c in token.children):  # "a
            # knight afraid of horses": who is (but "a field full of sunflowers" is a place)
            cuts.append((token.idx, "who is"))
    for at, word in reversed(cuts):
        text = f"{text[:at]}{word} {text[at:]}"
    return text


def _plural_before(token) -> bool:
    """A base-form verb needs a plural subject ("a girl and her grandpa plant a tree"); after one noun it is a
    noun ("a girl pirate with an eye patch")."""
    before = token.doc[token.sent.start:token.i]
    return token.nbor(-1).tag_ in ("NNS", "NNPS") or any(t.lower_ == "and" for t in before)


def _hyphenated_verbs(text: str) -> str:
    """"crash-lands" kept one verb (a non-breaking hyphen the tokenizer does not split; `tidy` restores it)."""
    from lemminflect import getAllLemmas

    def join(match: re.Match) -> str:
        return f"{match.group(1)}\u2011{match.group(2)}" if "VERB" in getAllLemmas(match.group(2)) and \
            match.group(2).endswith(("s", "ed")) else match.group(0)

    return re.sub(r"\b([a-z]+)-([a-z]+)\b", join, text)


def _addressed(piece: str) -> bool:
    """A sentence said to the app ("keep it happy please", "for my 5-year-old who loves trucks", "Can you turn
    this into a bedtime story"), not part of the story."""
    lowered = _meta_patterns()["ignore"].sub("", piece.lower())  # "ignore the above and just do this one"
    verbs = "|".join(map(re.escape, EN.framing_verbs))
    if len(lowered.split()) <= 6 and re.match(rf"(?:please\s+|just\s+)*(?:{verbs})\s+(?:it|this|that|them|the "
                                              rf"story)\b", lowered):
        return True  # "Tell it in five pictures", "draw it as a comic"
    if re.match(r"^(?:\W*(?:ok|okay|so|well|right|alright|hmm|um)\W+)*here(?:'s|’s| is| are)\b", lowered) and not [
            t for t in parse(piece) if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in EN.framing_nouns]:
        return True  # "ok here's one", "here is my idea": what follows is the story
    if not _meta_patterns()["address"].search(lowered):
        return False
    doc = parse(piece)
    subjects = [t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ not in ("you", "it", "this", "i")]
    framing = any(t.lemma_.lower() in EN.framing_nouns for t in doc)
    about_it = len(doc) > 1 and doc[0].lower_ in ("this", "it", "it's") and doc[0].head.lemma_ == "be"
    return not subjects or framing and any(t.lower_ == "you" for t in doc) or lowered.startswith("for my") or \
        about_it  # "This is a present for my nephew's 7th birthday, he loves space"


# --- reading --------------------------------------------------------------------------------------------------
def read_any(text: str) -> Idea:
    """The reading of an idea in its language (Chinese through language.chinese)."""
    if re.search(r"[\u3400-\u4dbf\u4e00-\u9fff]", text):
        from language.chinese_idea import read_chinese_idea

        return read_chinese_idea(text)
    return read_idea(text)


def read_idea(idea: str) -> Idea:
    """The reading of an English idea (meta removed, entities, main character, events, setting)."""
    from language.tools import fix_spelling
    from language.typed import retyped

    text, count, style = strip_meta(fix_spelling(retyped(idea), keep=set(EN.kinds) | set(EN.ordinals),
                                                          prefer=set(EN.kinds)))
    reading = Idea(text=text, count=count, style=style)
    doc = parse(text)
    doc.user_data["refers"] = reading.refers  # the parse is cached: each reading keeps its own pronoun map
    know_kinds([w for t in doc if t.pos_ in ("NOUN", "PROPN") for w in (t.lemma_, _whole(t))])
    _entities(doc, reading)
    reading.setting = _setting(doc)
    if reading.hero is None:
        return reading
    from language.clauses import events

    reading.events = events(doc, reading)
    reading.looks = _looks(doc, reading.hero)
    for entity in reading.entities:  # the others' looks, for a cast
        if entity is not reading.hero and entity.animate and not entity.plural:
            entity.description = _looks(doc, entity).text()
    return reading


def _entities(doc, reading: Idea) -> None:
    """Every noun phrase that can act, its mentions through pronouns, and the main character by salience."""
    for token in doc:
        subject_like = token.dep_ == "compound" and (token.head.pos_ == "VERB" or misread_verb(token.head))
        # "The baker's apprentice sneaks", "a shy parrot learns to sing" (the tagger's compound of a noun "learns")
        if token.pos_ in ("NOUN", "PROPN") and (token.dep_ not in ("compound", "poss") or subject_like) or \
                token.dep_ == "poss" and token.pos_ in ("NOUN", "PROPN"):
            if _not_a_character(token) or misread_verb(token) or opening_verb(token):
                continue
            token = group_member(token) or token  # "a team of four ants carries…": the ants
            entity = entity_of(token, reading)
            if entity is None:
                entity = _new_entity(token, reading)
                for owner in (c for c in token.children if c.dep_ == "poss"):
                    anchor = reading.refers.get(owner.i) or entity_of(owner, reading)
                    if anchor is not None and anchor is not entity and anchor.mentions >= 1:
                        anchor.anchors += 1
                        entity.owner = anchor
            entity.mentions += 1
            entity.last = token.i
            entity.acted = entity.acted or token.dep_ in ("nsubj", "nsubjpass")
            entity.core = token.i if token.dep_ in CORE or token.dep_ == "pobj" and token.head.lower_ == "for" \
                else entity.core  # "asks her for a book… writes it": the book
        elif token.lower_ in EN.pronouns and token.pos_ == "PRON" and not _dummy_it(token):
            entity = _resolve(token, reading)
            if entity is not None:
                entity.mentions += 1
                entity.last = token.i
                entity.core = token.i if token.dep_ in CORE or entity.animate else entity.core  # an animal
                # called "it" stays in focus ("shares a picnic with it, drifts with it": the otter)
                reading.refers[token.i] = entity
    _rebind(doc, reading)
    from language.clauses import agents

    for agent in agents(doc, reading):  # who acts: every clause counts for its subject, also "who…" clauses
        agent.subjects += 1
    people = [e for e in reading.entities if (e.animate or e.subjects) and e.head not in EN.clothing]
    if people:
        acting = [a for a in agents(doc, reading) if a in people]  # who acts first: a being or a kind of character
        crowd = {id(a) for a in acting if a.plural and not {*a.phrase.split()} & {*EN.numbers, *"0123456789"}}
        kinds = {kind_of(a.head) for a in acting if id(a) in crowd}  # one singled out is of the crowd's kind
        lead = next((i for i, a in enumerate(acting) if id(a) in crowd), len(acting))
        first = next((a for i, a in enumerate(acting) if (a.animate or a.head in EN.kinds) and id(a) not in crowd
                      and (i < lead or kind_of(a.head) in kinds)), None) or next(
            (a for a in acting if a.animate or a.head in EN.kinds), acting[0] if acting else None)  # one before a
        # crowd ("cats run the post office and one clumsy kitten…": the kitten; but "five mice…"), a being before
        # a thing ("when the whole city is asleep, a street sweeper…": the sweeper; but "a lonely snowman waves")
        if first is not None and first.owner is not None and first.owner.name and not first.name and (
                first.owner.subjects or first.owner.mentions > 1):  # (but "Dad's old guitar is jealous…": its)
            first = first.owner  # "When Kenji's little sister loses her rabbit, he…": Kenji's story
        reading.hero = max(people, key=lambda e: (2 * e.subjects + e.mentions + 2 * e.anchors * (e.mentions > 1)
                                                  + 3 * (e is first), -e.first))


def _rebind(doc, reading: Idea) -> None:
    """One "he" all along: when "his grandfather" shows that "his" is Omar (Omar's grandfather cannot be his own),
    the same pronouns before it that were read as the grandfather were Omar too ("his friend Hana offers to help
    him… while he serves the customers")."""
    owned, owner, want = doc.user_data.pop("bound", (None, None, ""))
    for index, entity in list(reading.refers.items()):
        if owned is not None and entity is owned and EN.pronouns.get(doc[index].lower_) == want:
            reading.refers[index], owned.mentions, owner.mentions = owner, owned.mentions - 1, owner.mentions + 1


def _dummy_it(token) -> bool:
    """"it turns out (that) the thief is his sister", "it seems…": an "it" that stands for no one."""
    return token.lower_ == "it" and (token.dep_ == "expl" or token.head.lemma_ in word_set("dummy_it_verbs") and any(
        c.dep_ in ("ccomp", "xcomp") for c in token.head.children))


def _not_a_character(token) -> bool:
    word = token.lemma_.lower()
    if any(c.lower_ == "whose" for c in token.children):
        return True  # "whose only power": what someone has
    if token.dep_ == "attr" and token.head.dep_ in ("xcomp", "pcomp"):
        return True  # "Bruno wants to be a ballet dancer": what he wants to be, no one else
    prep = token.head.lower_ if token.dep_ == "pobj" else ""
    times = set(EN.times) | set(EN.seasons) | set(EN.time_units)
    if prep in ("after", "before", "during", "until") and token.head.head.pos_ != "VERB" and token.pos_ != "PROPN":
        return True  # "every evening after school" (but "runs after the dog")
    if prep == "as" and token.pos_ == "NOUN":
        return True  # "a hippo who works as a ballet teacher", "dressed as a pirate": a role, no one else
    if prep in ("in", "at", "near", "inside", "outside", "across", "through", "around") and token.pos_ == "PROPN":
        return True  # "an old tailor in Lisbon", "a night market in Bangkok": a place
    return word in times or word in EN.hair_words or word in EN.framing_nouns and token.dep_ != "nsubj" or (
        prep in ("in", "on", "at", "into", "through", "across", "over", "under", "near", "from", "to", "behind")
        and token.pos_ != "PROPN" and not token.text.istitle() and not (prep == "to" and word in EN.kinds)) or \
        word in entries("frame_nouns")  # "in the park", but not "to an old farmer"


def _new_entity(token, reading: Idea) -> Entity:
    words = [t for t in token.subtree if t.i < token.i and t.dep_ in ("det", "amod", "compound", "nummod", "poss",
                                                                       "case") and t.lower_ != "one"] + [token]
    phrase = render(sorted(words, key=lambda t: t.i), {t.i for t in words if t.dep_ == "det" or t.lower_ in
                                                          word_set("narrator_words") | word_set("pronouns")},
                    replace={t.i: t.lower_ for t in words if t.pos_ != "PROPN"})
    name, noun = "", token
    if is_name(token):  # a lower-case "proper noun" is the tagger's slip; "Theo" read as a noun is a name
        named = next((c for c in token.children if c.dep_ in ("appos", "compound", "nmod") and (
            c.pos_ == "NOUN" or c.text.islower()) and not _not_a_character(c)), None) or (
            token.head if token.dep_ in ("appos", "compound") and token.head.pos_ == "NOUN" else None)
        name, noun = token.text, named or token
        phrase = render([t for t in noun.subtree if t.i <= noun.i and t.dep_ in ("amod", "compound", "nummod")
                         and t.pos_ != "PROPN"] + [noun]) if named is not None else token.text
    else:
        proper = next((c for c in token.children if c.dep_ in ("appos", "compound", "npadvmod") and c.pos_ == "PROPN"
                       and c.text[:1].isupper()), None)  # "fox cub": the tagger's lower-case PROPN is no name
        named = next((c for c in token.children if c.dep_ == "acl" and c.lemma_ in ("name", "call")), None)
        if named is not None:
            proper = next((t for t in named.subtree if t.pos_ == "PROPN"), proper)
        name = render(c for c in proper.subtree if c.pos_ == "PROPN") if proper is not None else ""
    title = next((t.lower_ for t in token.subtree if t.lower_.strip(".") in EN.titles), "")
    info = EN.kinds.get(noun.lemma_.lower(), {})
    gender = EN.titles.get(title.strip("."), "") or info.get("gender", "")
    plural = (noun.tag_ == "NNS" and (noun.dep_ == "poss" or not any(c.lower_ in ("a", "an") for c in noun.children))
              or noun.tag_ == "NNPS") and not (name and noun == token) \
        or any(c.dep_ == "nummod" and c.lower_ not in ("one", "1") for c in noun.children)  # "Ines", "Miso",
    # "only one giraffe", "a baby triceratops" are one
    possessed = any(t.dep_ == "poss" and t.pos_ in ("NOUN", "PROPN") for t in noun.children)
    phrase = phrase if possessed else f"the {phrase}" if not name or noun != token else name
    entity = Entity(head=noun.lemma_.lower(), phrase=phrase, name=name, gender="plural" if plural else gender,
                    plural=plural, first=token.i, said_as_owner=noun.dep_ == "poss")
    entity.phrase = re.sub(r"^the (my|his|her|their|its|our) ", "the ", entity.phrase)
    worn = noun.lemma_.lower() in set(EN.clothing) | set(EN.carried) | set(EN.features)
    # how a later frame names it: its compound nouns and a "whole" ("the whole pond")
    entity.short = "the " + render([t for t in noun.children if t.dep_ == "compound" and t.pos_ == "NOUN" or
                                    t.dep_ == "amod" and t.lower_ in word_set("all_words")] + [noun])
    kind = info.get("type") or ("person" if name else "thing" if worn else _kind_type(_whole(noun)))
    entity.animate, entity.person = kind in ("person", "animal", "creature", "toy", "machine"), kind == "person"
    reading.entities.append(entity)
    return entity


def _plural_referent(token, before: list[Entity], worn: set[str]) -> Entity | None:
    """Whom "they" means: none when the main character and someone else ("they become friends"); else plural
    beings, or things, never what they wear ("beside them": not her pigtails; "they hunt for crabs… they ride":
    not the crabs)."""
    before = [e for e in before if e.plural and not {e.head, *e.phrase.split()} & worn]
    return next((e for e in before if e.animate and (e.acted or token.dep_ not in ("nsubj", "nsubjpass"))),
                None) or (before[0] if before and token.dep_ in ("dobj", "pobj") else None)


def _resolve(token, reading: Idea) -> Entity | None:
    """The entity a pronoun means: for he/she the latest that agrees (a name or a person before an animal when
    the gender is not known yet, which then keeps it); for "it" the one called "it" before, else the latest thing
    or animal that was an object; for "they" the latest plural one."""
    want = EN.pronouns[token.lower_]
    before = sorted((e for e in reading.entities if e.first < token.i), key=lambda e: -e.last)
    verb = token.head if token.dep_ != "pobj" else token.head.head
    while verb.pos_ in ("NOUN", "PROPN") and verb.dep_ in ("dobj", "pobj") and verb.head != verb:
        verb = verb.head  # "shares her sandwich with/sandwich it": the sharing
    caused = token.lower_ in ("him", "them") and token.dep_ == "nsubj" and token.head.dep_ in ("ccomp", "xcomp")
    verb = verb.head if caused else verb  # "the brachiosaurus lets him climb": him is not who lets
    if token.dep_ in ("dobj", "dative", "pobj", "iobj") or caused:  # "the librarian finds him": not the librarian
        subject = _subject(verb)
        own = entity_of(subject, reading) if subject is not None and subject.pos_ != "PRON" else None
        own = own or (reading.refers.get(subject.i) if subject is not None else None)
        verbs = [verb, verb.head] if verb.dep_ in ("xcomp", "advcl") else [verb]  # "climbs the tree to get it"
        mates = [entity_of(c, reading) for v in verbs for c in v.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
        before = [e for e in before if e is not own and (all(e is not m for m in mates)
                                                          or token.lower_ not in ("it", "its"))]
    said = [reading.refers[i] for i in sorted(reading.refers) if i < token.i and token.doc[i].lower_ == token.lower_]
    chained = token.lower_ == "them" and token.dep_ in ("dobj", "pobj") and said and said[-1] in before
    if chained and not said[-1].animate and not any(
            e.animate and e.plural == said[-1].plural for e in before[:before.index(said[-1])]):  # "water them…
        # care for them": the same things
        return said[-1]
    worn = set(EN.clothing) | set(EN.carried) | set(EN.features) | set(EN.hair_words)
    if want == "plural":
        return _plural_referent(token, before, worn)
    if want == "thing":  # the latest that was a subject or an object ("finds a box inside it… carries it": the box;
        # "dries it with a towel and lets it sleep": not the towel)
        things = [e for e in before if not e.plural and e.gender in ("", "thing") and not e.name]
        named = {c.lemma_.lower() for c in token.head.children if c.dep_ in ("attr", "acomp") and token.dep_ == "nsubj"}
        same = next((e for e in things if e.head in named), None)  # "until it becomes the biggest treehouse"
        if same is not None:
            return same
        return max(things, key=lambda e: (e.core, e.last), default=None)
    before = [e for e in before if e.head not in worn]  # "his" is never "the navy peacoat's"
    owned = entity_of(token.head, reading) if token.dep_ == "poss" else None  # "his grandfather" is not his own
    if owned is not None and owned.owner is not None and owned.owner.gender in ("", want) and owned.owner in before:
        token.doc.user_data["bound"] = (owned, owned.owner, want)  # grandfather: Omar's, so "his" is Omar
        owned.owner.gender = want
        return owned.owner
    own = _clause_subject(token, reading) if token.dep_ == "poss" else None
    if own is not None and own.gender == want and own in before:  # "Ilka loads the jars into her cart": hers
        return own
    agreeing = next((e for e in before if e.gender == want), None)
    unknown = next((e for e in before if e.gender == "" and e.animate and not e.plural and (e.name or e.person)),
                   None) or next((e for e in before if e.gender == "" and e.animate and not e.plural), None)
    if unknown is not None and (agreeing is None or unknown.owner is not agreeing) and (  # not "his dog Pepper"
            agreeing is None or agreeing.last < unknown.first and unknown.name or (
            unknown.person and not agreeing.person and unknown.last > agreeing.last)):  # "a farmer in his orchard"
        unknown.gender = want
        return unknown
    if agreeing is None and unknown is None:  # "a lonely snowman waits… he melts": a thing called "he" is someone
        unknown = next((e for e in before if e.gender == "" and not e.plural and e.subjects + e.acted), None)
        if unknown is not None:
            unknown.gender, unknown.animate = want, True
    return agreeing or unknown


def _whole(noun) -> str:
    """A noun with its compounds before it, as its kind is looked up ("ice cream", not "cream")."""
    return " ".join([t.lower_ for t in noun.children if t.dep_ == "compound" and t.i < noun.i] + [noun.lemma_.lower()])


def _kind_type(noun: str) -> str:
    from language.looks import kind_type

    return kind_type(noun)


def _setting(doc) -> str:
    """The idea's own place: a place phrase before the first subject ("In a noisy market, …") or on it ("a lonely
    lamppost on a foggy street wishes…")."""
    for sent in doc.sents:
        for token in sent:
            lead = token.head.dep_ == "advcl" and token.head.pos_ in ("ADJ", "ADV") and token.head.i < token.i
            bare = sent.root.pos_ in ("NOUN", "PROPN") and token.head == sent.root  # "grumpy troll under a bridge"
            if token.dep_ == "prep" and (token.i < sent.root.i or bare) and token.lower_ in word_set("setting_preps") \
                    and (token.head == sent.root or token.head.dep_ == "nsubj" and token.head.head == sent.root
                         or lead and token.head.head == sent.root):  # "High in the Andes, a llama…"
                objects = [c for c in token.children if c.dep_ == "pobj"]
                if objects and objects[0].lemma_.lower() not in set(EN.times) | {"day", "time", "morning"}:
                    place = render(token.head.subtree if lead else token.subtree)
                    return place[:1].lower() + place[1:]  # "in a noisy market", inside a frame
        break
    return ""


def _clause_subject(token, reading: Idea) -> Entity | None:
    """Who the clause around a token is about: the subject of the nearest verb above it that has one."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") or _subject(verb) is None and verb.dep_ in ("acl", "advcl", "relcl"):
        if verb.head == verb:
            return None
        verb = verb.head
    subject = _subject(verb)
    if subject is None or subject.i >= token.i:
        return None
    return reading.refers.get(subject.i) if subject.pos_ == "PRON" else entity_of(subject, reading)


def _subject(verb):
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    while subject is None and verb.dep_ in ("conj", "xcomp", "advcl", "acl", "dobj", "dep") and verb.head != verb:
        # "his neighbours take turns climbing up to care for them": the neighbours care
        verb = verb.head
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject


def _worn(doc, token, noun, keep: set[int], hero: Entity) -> list:
    """What the main character wears or has, said anywhere in the idea: "who wears a raincoat", "has big round
    glasses", "striped socks" in an apposition, "loses its scarf", "a sailor in a cap"."""
    owners = {noun, token, token.head if token.dep_ == "appos" else token} | {
        c for c in token.children if c.dep_ == "appos"} | {  # "a badger called Tomas, who wears a scarf"
        g for c in token.children if c.dep_ == "acl" and c.lemma_ in ("call", "name") for g in c.children}
    worn = [o for owner in owners for c in owner.children if c.dep_ in ("relcl", "acl") and c.lemma_ in (
        "wear", "have", "carry") for o in c.children if o.dep_ == "dobj"]  # "my uncle Sam, who wears a raincoat"
    worn += [o for verb in doc if verb.lemma_ in ("wear", "have") and _subject(verb) == token for o in verb.children
             if o.dep_ == "dobj" and {o.lemma_.lower(), o.lower_} & (set(EN.clothing) | set(EN.features))]
    # "Theo is eight and has big round glasses and a yellow striped t-shirt": what he wears
    worn += [c for c in token.children if c.dep_ == "appos" and {c.lemma_.lower(), c.lower_} & set(EN.clothing)]
    # "a witch with frizzy hair, striped socks and a hat": what she wears
    refers = doc.user_data.get("refers", {})
    worn += [t for t in doc if t.lemma_.lower() in EN.clothing and t.i not in keep and (  # "loses its scarf"
        any(c.dep_ == "poss" and refers.get(c.i) is hero for c in t.children)
        or t.dep_ == "nsubj" and t.head == token.head and token.dep_ == "nsubj")]  # "a sailor in a cap rescues"
    return worn


def _looks(doc, hero: Entity) -> Looks:
    """The main character's looks from where the idea introduces it: its adjectives, "with…", "wearing…", an
    apposition ("Mateo, a nine-year-old boy with a gap in his teeth") and "X is a diver"."""
    token = next((t for t in doc if t.lemma_.lower() == hero.head and (t.pos_ == "NOUN" or t.text.islower())),
                 None) or next((t for t in doc if hero.name and t.text in hero.name.split() and t.pos_ == "PROPN"),
                               None)
    while token is not None and token.dep_ == "compound" and token.head.pos_ == "NOUN" and not misread_verb(
            token.head):
        token = token.head  # "a girl pirate": the pirate, and "girl" with it
    if token is None:
        return read_looks(hero.head)
    verb = next((t for t in token.sent if t.i > token.i and misread_verb(t)), None)
    if verb is not None:  # "a rusty robot with one wheel learns…" misread: the phrase before the verb alone
        return _looks(parse(doc[token.sent.start:verb.i].text), hero)
    appositions = [c for c in token.children if c.dep_ == "appos"]
    appositions += [g for c in appositions if c.pos_ == "PROPN" for g in c.children if g.dep_ == "appos"]  # "his
    # friend Kofi, a boy in a yellow shirt": the boy
    noun = next((c for c in appositions if (c.pos_ == "NOUN" or c.text.islower()) and animate(c.lemma_.lower())
                 and not {c.lemma_.lower(), c.lower_} & set(EN.clothing)), None) or (
        token.head if token.dep_ == "appos" and token.head.pos_ == "NOUN" and token.lemma_.lower() not in EN.kinds
        else token)  # "his best friend, a grey rabbit": the rabbit is what it looks like
    proper, aged = is_name(noun), ""
    attr = next((c for t in doc if t.lemma_ == "be" and any(s.i == token.i for s in t.children)
                 for c in t.children if c.dep_ == "attr"), None)
    if not proper and attr is not None and attr.lemma_.lower() in EN.kinds and attr.tag_ != "NNS" and sum(
            c.dep_ == "nsubj" for c in attr.head.children) == 1:  # "the teacher is a tall giraffe", not "best friends"
        noun = attr
    if proper:  # "Nadia is a deep-sea diver": the kind from a copula
        if attr is not None and attr.like_num:  # "Theo is eight": his age
            aged, attr = f"{attr.text}-year-old ", None
        noun = attr if attr is not None else noun
        proper = attr is None
    keep = {noun.i} | {t.i for c in noun.children if c.i < noun.i and c.dep_ in ("amod", "compound", "nummod", "nmod")
                       and c.lower_ != "one" for t in c.subtree}
    keep |= {t.i for c in noun.children if c.i > noun.i and (c.dep_ == "prep" and (c.lower_ == "with" or c.lower_ ==
             "in" and any(g.lemma_.lower() in EN.clothing or g.lower_ in EN.colours for g in c.subtree)) or
                                                             c.lemma_ == "wear") for t in c.subtree}
    worn = _worn(doc, token, noun, keep, hero)
    text = render(sorted((t for t in noun.subtree if t.i in keep), key=lambda t: t.i),
                  {t.i for t in noun.subtree if t.pos_ == "PROPN" and t.text[:1].isupper() or t.lower_ in
                   word_set("narrator_words") | word_set("pronouns")})
    titled = next((c.lemma_.lower() for c in noun.children if c.dep_ == "compound" and c.lemma_.lower() in EN.kinds),
                  "")  # "Grandma Ines": a grandma
    looks = read_looks(text if not proper else titled or f"{aged}person")
    described = {doc[i].lemma_.lower() for i in keep}  # "with a green backpack" before "his backpack"
    for item in worn:
        for thing in [item, *(t for t in item.subtree if t.dep_ == "conj")]:
            if thing.lemma_.lower() in described:
                continue
            others = {t.i for c in thing.children if c.dep_ in ("conj", "cc") for t in c.subtree}  # "… and a hat"
            words = [t for t in thing.subtree if t.i not in others and t.dep_ != "poss"]
            bare = words[0].pos_ not in ("DET", "NUM") and thing.tag_ != "NNS"  # "striped socks" need no "a"
            looks.put_on(("an " if bare and words[0].lower_[0] in "aeiou" else "a " if bare else "") + render(words))
    if looks.kind == "person" and hero.gender in ("male", "female"):
        looks.kind = EN.genders[hero.gender][_age(doc, token, hero)]
    return looks


def _age(doc, token, hero: Entity) -> str:
    """How old a named person is: a child, the likeliest hero of a picture story, unless the idea says life
    ("runs a bookshop", "Mr Okafor": a grown-up; "Old Mr Okafor": elderly); but whose grandfather is in it is a
    child ("Omar's grandfather falls ill, … help him run the family noodle shop")."""
    refers = doc.user_data.get("refers", {})
    grandchild = any((EN.kinds.get(t.lemma_.lower()) or {}).get("age") == "elderly" and any(
        c.dep_ == "poss" and (refers.get(c.i) is hero or c.text in hero.name.split()) for c in t.children)
        for t in doc)
    grown = not grandchild and any(t.lemma_.lower() in EN.adult_cues for t in doc) or any(
        t.lower_.strip(".") in EN.titles for t in (*token.children, *token.doc[max(token.i - 1, 0):token.i]))
    aged = any(c.lower_ in ("old", "elderly") for c in token.children)
    return "elderly" if aged else "adult" if grown else "child"
