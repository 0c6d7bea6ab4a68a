"""The small English model's known mistags, put right in place on every parse (`language.tools.parse`): a name
read as an adverb, a counted noun or a main verb read as a plural noun, "watering can/MD", a noun read as a
comparative and an adjective as a noun, a subject's participle read as the clause's subject, an object read as a
verb. Each mend looks at
the tags and the tree only (no word lists), so it holds for words nobody listed."""

from __future__ import annotations


def _mend_clause(token) -> None:
    """A main verb read as a plural noun ("the pet chameleon/compound escapes/NNS and hides"), and a subject's own
    participle read as the clause's subject ("old man fishing/csubj through a hole all day catches nothing")."""
    from lemminflect import getAllLemmas

    if token.dep_ == "ROOT" and token.tag_ == "NNS" and (any(c.dep_ == "conj" and c.tag_ == "VBZ" for c in
                                                             token.children) or not any(
            t.pos_ in ("VERB", "AUX") for t in token.sent)):  # (or no verb at all: "old Mr Okafor lights candles")
        before = token.nbor(-1) if token.i else token
        if before.dep_ == "compound" and before.tag_ == "NNS" and "VERB" in getAllLemmas(before.lower_[:-1]):
            _heads(token, before)  # "Mr Okafor lights/NNS candles/ROOT and invites…": lights is the verb
        elif "VERB" in getAllLemmas(token.lower_[:-1]):
            token.pos_, token.tag_, token.lemma_ = "VERB", "VBZ", getAllLemmas(token.lower_[:-1])["VERB"][0]
            for child in [c for c in token.children if c.dep_ == "compound" and c.i == token.i - 1]:
                child.dep_ = "nsubj"
    subject = next((c for c in token.children if c.dep_ == "nsubj" and c.i < token.i), None)
    if token.tag_ == "VBG" and token.dep_ == "csubj" and subject is not None and subject.pos_ in ("NOUN", "PROPN"):
        verb = token.head
        subject.head, subject.dep_ = verb, "nsubj"
        token.head, token.dep_ = subject, "acl"


def _mend_object(token) -> None:
    """A noun read as a verb right after a verb that has no object ("Biscuit eats popcorn/VERB"): a word the
    dictionary knows only as a noun is that verb's object."""
    from lemminflect import getAllLemmas

    verb, lemmas = token.nbor(-1), getAllLemmas(token.lower_)
    if token.pos_ == "VERB" and verb.tag_.startswith("VB") and "VERB" in getAllLemmas(verb.lower_) and \
            "NOUN" in lemmas and "VERB" not in lemmas and not any(c.dep_ == "dobj" for c in verb.children):
        root = token.head == token
        if root and verb.head != token:
            return
        for child in list(token.children):  # what hung on the noun hangs where the noun did
            child.head, child.dep_ = (verb, child.dep_) if root else (token.head, token.dep_ if child == verb else
                                                                      child.dep_)
        if root:
            verb.head, verb.dep_ = verb, "ROOT"
        verb.pos_ = "AUX" if verb.lemma_ == "be" else "VERB"  # "eats/AUX popcorn"
        token.head, token.dep_ = verb, "attr" if verb.lemma_ == "be" else "dobj"  # "she is popcorn": what she is
        token.pos_, token.tag_, token.lemma_ = "NOUN", "NN", lemmas["NOUN"][0]


def _mend_owned(token) -> None:
    """A noun read as a verb right after a possessive ("and her grey kitten/VBD Mochi chase/xcomp her umbrella"):
    no finite verb follows "her" and its adjectives, so it is a noun, joined to the subject before it, and the verb
    it seemed to govern is the clause's verb."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(token.lower_)
    left = [c for c in token.children if c.i < token.i and c.dep_ in ("nsubj", "amod", "poss", "det")]
    verb = next((c for c in token.children if c.i > token.i and c.dep_ in ("xcomp", "ccomp") and c.tag_ == "VB"
                 and not any(a.tag_ == "TO" for a in c.children)), None)  # (but "his neighbour offers to help")
    owned = [t for child in left for t in child.subtree if t.tag_ == "PRP$"]
    if token.tag_ not in ("VBD", "VBZ", "VBP") or "NOUN" not in lemmas or verb is None or not owned or any(
            "ADJ" not in getAllLemmas(t.lower_) for t in token.doc[owned[0].i + 1:token.i]):
        return  # only adjectives between "her" and it
    first = next((c for c in token.children if c.dep_ == "nsubj" and c.i < owned[0].i), None) or next(
        (t for t in token.doc[:owned[0].i] if t.dep_ == "nsubj" and t.head == token), None)
    for child in [c for c in token.children if c.i < owned[0].i and c != first and first is not None]:
        child.head = first  # "A girl named Ines, with two pigtails, and…": the first subject's own words
    for child in (c for c in left if c.i >= owned[0].i):
        for t in child.subtree:
            if t.head == child or t == child:
                t.head, t.dep_ = token, "poss" if t.tag_ == "PRP$" else "amod" if "ADJ" in getAllLemmas(t.lower_) \
                    else t.dep_
    for name in (c for c in token.children if c.dep_ == "dobj" and c.pos_ == "PROPN" and c.i < verb.i):
        name.dep_ = "appos"
    verb.head, verb.dep_ = (token.head, token.dep_) if token.head != token else (verb, "ROOT")
    token.pos_, token.tag_, token.lemma_ = "NOUN", "NN", lemmas["NOUN"][0]
    if first is not None:
        first.head, first.dep_ = verb, "nsubj"
        token.head, token.dep_ = first, "conj"
    else:
        token.head, token.dep_ = verb, "nsubj"


def _mend_purpose(token) -> None:
    """A "to …" clause hung on a verb further back than the nearest one ("they find it tangled in a tree and
    Mochi climbs up to free/advcl<-tangled it"): it says what the nearest verb before it is for."""
    if token.dep_ not in ("advcl", "xcomp") or not any(c.dep_ == "aux" and c.tag_ == "TO" for c in token.children):
        return
    nearer = [c for c in token.head.children if c.dep_ == "conj" and c.pos_ == "VERB" and token.head.i < c.i < token.i]
    if nearer:
        token.head = nearer[-1]


def _mend_copula(sentence) -> None:
    """"the scene where he drops it/nsubj is/ccomp too sad": the scene is what is too sad, and "it" what he drops."""
    noun = sentence.root
    relative = next((c for c in noun.children if c.dep_ == "relcl"), None) if noun.pos_ == "NOUN" else None
    copula = next((c for c in relative.children if c.dep_ == "ccomp" and c.lemma_ == "be"), None) if relative else None
    thing = next((c for c in copula.children if c.dep_ == "nsubj" and c.lower_ in ("it", "they")), None) if copula \
        else None  # (but "a sheep who thinks she is a horse" thinks it)
    if thing is not None and not any(c.dep_ == "dobj" for c in relative.children) and any(
            c.dep_ == "acomp" for c in copula.children):
        copula.head, copula.dep_ = copula, "ROOT"
        noun.head, noun.dep_ = copula, "nsubj"
        thing.head, thing.dep_ = relative, "dobj"


def _heads(noun, verb) -> None:
    """`verb` (read as a compound of `noun`, the root) made the root: the words before it its subject, `noun` its
    object, and what hung on `noun` after it (", and invites…") on the verb."""
    from lemminflect import getAllLemmas

    subject = next((c for c in noun.children if c.i == verb.i - 1), None)
    for child in list(noun.children):
        words = subject is not None and child.i < verb.i and child.dep_ in ("amod", "det", "compound", "poss")
        child.head = subject if words and child != subject else verb if child != verb else child.head
    if subject is not None:
        subject.head, subject.dep_ = verb, "nsubj"
    verb.head, verb.dep_ = verb, "ROOT"
    noun.head, noun.dep_ = verb, "dobj"
    verb.pos_, verb.tag_, verb.lemma_ = "VERB", "VBZ", getAllLemmas(verb.lower_[:-1])["VERB"][0]


def mended(doc):
    """Words the tagger took for another part of speech, put right in place: a name read as an adverb before its
    verb ("Tilly/RB lives on a barge": a capitalised word no dictionary knows, starting a sentence whose verb has
    no subject, is that subject); a counted noun read as a verb ("Two crows/VBZ, Pim and Pom, keep…"); a noun read
    as a comparative ("terrier/JJR"), an adjective read as a noun ("grey/NN terrier") and a word in lower case
    read as a name ("the green/PROPN lantern/PROPN")."""
    from lemminflect import getAllLemmas

    for token in doc[1:]:
        for mend in (_mend_object, _mend_owned, _mend_purpose):
            mend(token)
        if token.tag_ == "VBZ" and token.nbor(-1).tag_ == "CD" and token.nbor(-1).lower_ not in ("one", "1"):
            token.pos_, token.tag_, token.lemma_ = "NOUN", "NNS", token.lower_.removesuffix("s")
        last = token.i == len(doc) - 1 or token.nbor(1).pos_ in ("PUNCT", "CCONJ", "ADP")
        if token.lower_ == "can" and token.tag_ == "MD" and last and token.nbor(-1).tag_ in ("NN", "VBG", "JJ"):
            noun = token.nbor(-1)  # "his yellow watering can/MD, argues…": the can he waters with
            for child in list(noun.children):
                child.head = token
            token.head, token.dep_ = (noun.head, noun.dep_) if noun.head != noun else (token, "ROOT")
            noun.head, noun.dep_ = token, "compound"
            token.pos_, token.tag_, token.lemma_ = "NOUN", "NN", "can"
        elif token.lower_ == "can" and token.tag_ == "MD" and token.nbor(-1).tag_ in ("DT", "PRP$"):
            token.pos_, token.tag_, token.lemma_ = "NOUN", "NN", "can"  # "could the can be teal?"
    for token in doc:
        if token.tag_ in ("JJR", "JJS") and "ADJ" not in getAllLemmas(token.lower_):  # "grey terrier/JJR": a noun
            token.pos_, token.tag_, token.lemma_ = "NOUN", "NN", token.lower_
        elif token.tag_ == "NN" and token.dep_ == "amod" and "ADJ" in getAllLemmas(token.lower_):  # "grey/NN terrier"
            token.pos_, token.tag_ = "ADJ", "JJ"
        elif token.tag_ == "NN" and token.dep_ == "conj" and token.head.pos_ == "VERB" and "VERB" in getAllLemmas(
                token.lower_) and not any(c.dep_ in ("det", "poss", "amod", "compound") for c in token.children) and \
                any(c.dep_ == "prep" for c in token.children):  # "cross a bridge, rest/NN beside a pond, tiptoe…"
            token.pos_, token.tag_, token.lemma_ = "VERB", token.head.tag_, getAllLemmas(token.lower_)["VERB"][0]
        elif token.tag_ == "VBG" and token.dep_ in ("dobj", "pobj", "nsubj") and any(
                c.dep_ == "det" for c in token.children):  # "move the bridge crossing/VBG to the end": a noun
            token.pos_, token.tag_, token.lemma_ = "NOUN", "NN", token.lower_
        elif token.pos_ == "PROPN" and token.is_lower and {"NOUN", "ADJ"} & set(getAllLemmas(token.lower_)):
            adjective = token.dep_ == "amod" and "ADJ" in getAllLemmas(token.lower_)  # "the green/PROPN
            token.pos_, token.tag_ = ("ADJ", "JJ") if adjective else ("NOUN", "NN")  # lantern/PROPN": no name
        elif token.tag_ in ("NNS", "NNPS") and token.dep_ == "nsubj" and token.head.tag_ == "VBZ" and not any(
                c.dep_ == "conj" for c in token.children):  # "Ines/NNS lowers": one, the verb says
            token.pos_, token.tag_ = ("PROPN", "NNP") if token.is_title else ("NOUN", "NN")
            token.lemma_ = token.text if token.is_title else token.lemma_
        _mend_clause(token)
    for sentence in doc.sents:
        _mend_copula(sentence)
    for token in doc[:-1]:
        verb = token.nbor(1)
        if token.tag_ == "NNP" and token.dep_ == "npadvmod" and token.head == verb and verb.tag_ in (
                "VBZ", "VBD") and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            token.dep_ = "nsubj"  # "Grandma June/npadvmod buys": June buys, not a month
        if token.is_sent_start and token.is_title and token.tag_ == "VB" and token.dep_ == "csubj" and verb.tag_ \
                == "DT":  # "Noodle/VB the dachshund/dobj is too short": a name and what it is, no order to noodle
            for child in (c for c in token.children if c.dep_ == "dobj"):
                child.dep_ = "appos"
            token.dep_, token.pos_, token.tag_, token.lemma_ = "nsubj", "PROPN", "NNP", token.text
        if token.is_sent_start and token.is_title and token.tag_ in ("RB", "JJ", "NN", "UH") and verb.tag_ in (
                "VBZ", "VBD", "VBP") and not getAllLemmas(token.lower_) and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            token.head, token.dep_, token.pos_, token.tag_ = verb, "nsubj", "PROPN", "NNP"
    return doc
