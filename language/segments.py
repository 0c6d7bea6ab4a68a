"""A sentence cut into clause pieces, each with a verb of its own (`language.clauses` reads each piece alone).

spaCy's small model misreads verbs in long coordinated sentences ("start a band, practise every night, play their
first concert"), so a sentence is cut where a new verb begins: after "and", a comma, "when", "until", "who"…
Words before the first verb lead the clause they belong to: the subject's ("A girl named Juno, with curly hair,
finds…") join it; a lead-in that only says when ("Every morning before sunrise,") is dropped.
"""

from __future__ import annotations

from language.lexicon import EN, word_set
from language.tools import parse


def verb_like(token) -> bool:
    """A token that can carry a clause: a verb, or a verb the tagger read as a noun ("waits", "plant")."""
    from lemminflect import getAllLemmas

    if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "acomp", "compound") and token.tag_ != "VBG" \
            or token.tag_ in ("VBZ", "VBD", "VBP"):
        return True
    plural_subject = token.tag_ == "NNS" or token.i == token.sent.start or any(t.lower_ == "and" or t.tag_ in (
        "NNS", "NNPS") and t.dep_ in (
        "nsubj", "nsubjpass") for t in token.doc[token.sent.start:token.i])  # "…, practise/NN every night"
    return token.tag_ in ("NNS", "NN") and plural_subject and "VERB" in getAllLemmas(token.lower_) and \
        token.dep_ not in ("compound", "amod") and (token.i == token.sent.start or token.nbor(-1).pos_ not in (
            "DET", "ADJ", "NUM") or token.nbor(-1).dep_ == "compound" and token.tag_ == "NNS")
    # "a robot vacuum cleaner dreams", "a girl and her grandpa plant a tree" (but "a haunted ice cream truck")


def misread_verb(token) -> bool:
    """A verb the tagger read as a plural noun in a sentence left without a verb of its own ("a robot with one
    wheel learns to paint", "my uncle Sam, who wears a raincoat, fixes boats")."""
    root = token.sent.root
    heads = token.i > max(token.sent.start, root.i) and root.pos_ in ("NOUN", "PROPN") or (
        token == root and token.i > token.sent.start and token.nbor(-1).dep_ == "compound")  # "a shy parrot learns"
    return token.tag_ == "NNS" and heads \
        and (token.nbor(-1).pos_ in ("NOUN", "PROPN", "PUNCT") or token.nbor(-1).dep_ == "compound") \
        and token.nbor(-1).dep_ != "nummod" \
        and verb_like(token) and token.lower_.endswith("s")


def opening_verb(token) -> bool:
    """The verb of a clause that opens with "when", "as soon as"… which the tagger read as a plural noun ("When the
    fire bell rings/NNS, …")."""
    return token.tag_ == "NNS" and token.dep_ == "advcl" and any(c.tag_ == "WRB" or c.dep_ == "mark"
                                                                 for c in token.children)


def mend_subject(doc) -> None:
    """A clause read alone whose verb the tagger took for the last of a row of nouns ("the fire bell rings": NOUN
    NOUN NNS): the verb is made a verb and the noun before it its subject, in place."""
    from language.tools import lemma_of

    root = doc[:].root
    nouns = [c for c in root.lefts if c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN")]
    if root.tag_ != "NNS" or not nouns or not verb_like(root) or any(t.pos_ in ("VERB", "AUX") for t in doc):
        return
    subject, before = nouns[-1], [c for c in root.lefts if c is not nouns[-1]]
    for token in before:
        token.head = subject
    subject.head = root
    subject.dep_, root.pos_, root.tag_, root.lemma_ = "nsubj", "VERB", "VBZ", lemma_of(root.lower_)


def segments(sent) -> list:
    """The sentence cut where a clause with its own verb begins; pieces without one stay with the piece before.
    A relative clause inside a subject ("a duckling who is scared of water learns to swim") is its own piece."""
    pieces, start, breaks = [], sent.start, word_set("clause_breaks")
    for token in sent:
        if token.dep_ == "relcl" and token.head.dep_ in ("nsubj", "nsubjpass") and token.head.head.i > token.i:
            inner = sent.doc[token.left_edge.i:token.right_edge.i + 1]
            rest = sent.doc[inner.end:sent.end]  # the rest is cut as a sentence of its own
            return [p for p in (sent.doc[sent.start:inner.start], inner) if len(p)] + (segments(rest) if len(rest)
                                                                                        else [])
    for token in sent:
        if misread_verb(token):  # "a rusty robot with one wheel | learns to paint"
            pieces.append(sent.doc[start:token.i])
            start = token.i
            continue
        cut = token.lower_ in breaks and token.i > sent.start and (token.dep_ in ("cc", "punct", "mark", "advmod",
                                                                                   "nsubj", "nsubjpass", "dobj")
                                                                    or token.tag_ in ("WDT", "WP", "WRB"))
        if cut and not _describes(token) and not _in_frame_statement(token) and not _complement(token) and not (
                token.text == "," and token.nbor(-1).dep_ == "amod") \
                and not _joins_words(token):  # "a soaked, shivering fox cub": adjectives of one noun
            pieces.append(sent.doc[start:token.i])
            start = token.i
    pieces.append(sent.doc[start:sent.end])
    pieces = [part for piece in pieces for part in _when_first(piece)]
    merged, lead = [], None  # the subject's words before the first verb lead it ("A girl named Juno, with…, finds")
    for piece in [p for p in pieces if len(p)]:
        clause = _a_clause(piece) and not _participle(piece)
        if lead is not None and not merged and (_describes_lead(piece, lead) or all(t.is_punct for t in piece)):
            lead = sent.doc[lead.start:piece.end]  # "A little badger called Tomas, | who wears a scarf, | finds…"
            continue
        opening = not merged and not clause and piece.end < sent.end
        if merged and not clause and lead is None and any(  # "…, then he and his best friend, | patch it up"
                t.dep_ in ("nsubj", "nsubjpass") and t.head.i >= piece.end for t in piece):
            lead = piece
        elif merged and not clause and lead is not None:
            lead = sent.doc[lead.start:piece.end]
        elif merged and not clause:
            merged[-1] = sent.doc[merged[-1].start:piece.end]
        elif opening and lead is None and _time_lead(piece):
            continue  # "Every morning before sunrise, | Mateo, a boy with…, walks": when, not who
        elif opening and (sent.doc[piece.end].tag_ not in ("WDT", "WP") or _named_lead(piece)) and not misread_verb(
                sent.doc[piece.end]):
            lead = piece if lead is None else sent.doc[lead.start:piece.end]
        else:
            merged.append(sent.doc[lead.start:piece.end] if lead is not None else piece)
            lead = None
    return merged or ([lead] if lead is not None else [])


def _named_lead(piece) -> bool:
    """"A little badger called Tomas," before "who…": a subject named, whose relative clause describes it."""
    return any(t.dep_ == "acl" and t.lemma_ in ("call", "name") for t in piece)


def _describes_lead(piece, lead) -> bool:
    """A relative clause on the lead's noun ("who wears a bright orange scarf") while the main verb is still to
    come: it describes who acts, it is no moment of its own."""
    verb = next((t for t in piece if t.dep_ == "relcl"), None)
    return verb is not None and lead.start <= verb.head.i < lead.end and piece[0].tag_ in ("WP", "WDT") and \
        piece.end < piece.doc[piece.start:].sent.end


def _complement(token) -> bool:
    """"that" starting what a verb of the clause before notices, says or sees ("notices one morning that the clock
    has stopped"), and "while" starting what goes on at the same moment ("hears the bells ring while the whole town
    cheers"): one picture with it."""
    verb = token.head
    if token.dep_ != "mark" or verb.dep_ not in ("ccomp", "advcl"):
        return False
    named = any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("PROPN", "PRON") for c in verb.children)
    return token.lower_ == "that" and verb.dep_ == "ccomp" or token.lower_ == "while" and verb.head.i < token.i \
        and not named  # "…while Leo searches the park": Leo's own moment


def _in_frame_statement(token) -> bool:
    """Inside what a frame is said to show ("the last picture shows a little flower growing where he stood"):
    one picture, no clause of its own."""
    return any(a.dep_ in ("dobj", "ccomp") and a.head.lemma_ in ("show", "depict", "feature") and any(
        c.dep_ == "nsubj" and c.lower_ in EN.frame_nouns for c in a.head.children) for a in token.ancestors)


def _joins_words(token) -> bool:
    """An "and" between two nouns or two adjectives ("bread and apples", "red-and-white"), not two clauses."""
    head, nominal = token.head, ("NOUN", "PROPN", "PRON")  # "he and his little sister Lina row out": who rows
    return token.dep_ == "cc" and head.pos_ in ("NOUN", "ADJ", "PRON") and any(
        c.dep_ == "conj" and c.i > token.i and (c.pos_ == head.pos_ or c.pos_ in nominal and head.pos_ in nominal)
        and not misread_verb(c) for c in head.children)


def _participle(piece) -> bool:
    """", ringing the bell" after a clause: how its action happens, not a moment of its own."""
    words = [t for t in piece if not t.is_punct and t.lower_ != "and"]
    return bool(words) and words[0].tag_ == "VBG" and piece.start > 0 and (
        words[0].dep_ in ("advcl", "acl") and piece.doc[piece.start].text == "," or  # ", ringing the bell"
        words[0].dep_ == "conj" and words[0].head.tag_ == "VBG" and words[0].head.dep_ == "acl")  # "the moon
    # shining through the skylight and making the shadow move": one moment


def _describes(token) -> bool:
    """"who is lost" after "an old owl": a relative clause that only describes the noun stays in its frame; so
    does "where" after a place ("arrive at a lake where the herd is waiting")."""
    if token.lower_ == "where" and token.head.dep_ == "relcl" and token.head.head.dep_ in ("pobj", "dobj"):
        return True
    if token.lower_ not in ("who", "which", "that") or token.i + 2 > len(token.doc):
        return False
    rest = list(token.doc[token.i + 1:token.sent.end])
    end = next((i for i, t in enumerate(rest) if t.is_punct or t.lower_ in word_set("clause_breaks")), len(rest))
    words = rest[:end]
    return len(words) >= 2 and words[0].lemma_ == "be" and all(
        t.pos_ in ("ADJ", "ADV") or t.tag_ == "VBN" for t in words[1:])


def _a_clause(piece) -> bool:
    """Whether a piece has its own verb: parsed with a subject in front, its root is a verb ("practise every
    night" is; "a cave full of bats", "frightened baby" are not)."""
    words = [t for t in piece if t.lower_ not in word_set("clause_leads") and not t.is_punct]
    if not words or not any(verb_like(t) or t.pos_ in ("VERB", "AUX") for t in words):
        return False
    verbs = [t for t in words if t.pos_ in ("VERB", "AUX") or verb_like(t)]
    if all(t.dep_ == "acl" and t.tag_ == "VBN" and t.lemma_ in ("call", "name") for t in verbs):
        return False  # "A little badger called Tomas,": who, not what happens
    if piece.root.pos_ == "NOUN" and piece.root.dep_ in ("conj", "appos") and piece.root.head.i < piece.start and \
            piece.root.head.pos_ == "NOUN" and not any(t.pos_ == "VERB" and t.dep_ not in ("amod", "compound")
                                                       for t in words):
        return False  # "with two long braids, | round flying goggles/NNS and a jacket": the list goes on
    if any(t.tag_ == "NNS" and t.dep_ == "conj" and t.head.pos_ == "VERB" and t.i == words[-1].i for t in verbs):
        return True  # "…, and the whole pond dances": a noun joined to a verb is a verb the tagger misread
    if any(opening_verb(t) for t in verbs) or any(t.pos_ == "VERB" and t.tag_ == "VBZ" and any(
            c.dep_ == "nsubj" and piece.start <= c.i < piece.end for c in t.children) for t in verbs):
        return True  # (its subject and verb as the whole sentence's parse has them: "Mr Okafor lights/VBZ candles")
    text = piece.doc.text[words[0].idx:words[-1].idx + len(words[-1])]
    if any(t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl") or c.dep_ == "compound" and
                                               c.pos_ == "NOUN" and c.i < t.i for c in t.children)
           for t in parse(text)):  # "The fox/compound runs after the rabbit": the tagger's slip, still a subject
        return True  # its own subject and verb, wherever the parse hangs them ("his friends the fireflies light…")
    root = parse(f"they {text}")[:].root  # or the subject of the clause before: then it starts with its verb
    passive = any(c.dep_ in ("aux", "auxpass") and c.i == 1 for c in root.children)  # "gets lost", "is caught"
    return root.pos_ in ("VERB", "AUX") and (root.tag_ != "VBN" or passive) and root.i <= 3


def _time_lead(piece) -> bool:
    """Words before the first verb that say when, not who: "Every morning before sunrise," / "Suddenly," (but
    "Every morning, Mr. Pemberton, a tall tortoise…," and "Lily and" hold the subject)."""
    when = set(EN.times) | set(EN.seasons) | set(EN.time_units)
    return piece.root.dep_ in ("npadvmod", "advmod", "advcl", "prep") and all(
        t.lower_ in when or t.lemma_.lower() in when or t.dep_ == "pobj" and t.head.lower_ in ("after", "before",
                                                                                              "during", "until")
        for t in piece if t.pos_ in ("NOUN", "PROPN"))  # "after school"


def _when_first(piece) -> list:
    """A piece that says when and then who ("Every morning, Mr. Pemberton, a tall tortoise…"), as two pieces."""
    comma = next((t for t in piece if t.text == ","), None)
    if comma is None or comma.i == piece.start or piece[0].sent.start != piece.start:
        return [piece]
    when = piece.doc[piece.start:comma.i]
    return [when, piece.doc[comma.i + 1:piece.end]] if _time_lead(when) and comma.i + 1 < piece.end else [piece]
