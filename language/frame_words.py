"""What a frame's words say about where and with what: the thing an action makes or finds, where a journey
goes, the place a frame shows, and an action said short, for the beats around it (`beats.py`)."""

from __future__ import annotations

import re

from language.lexicon import EN
from language.looks import animate


def made_thing(event) -> str:
    """The thing an event makes or finds: "a scarf" in "knitting a scarf for his granny"."""
    from lemminflect import getAllLemmas

    words = event.frame.split()
    nouns = [n for n in event.things if n in words or n + "s" in words]
    if not nouns and words[0].endswith("ing") and len(words) > 1 and words[0] not in ("being", "getting"):
        # "finding lost socks": what follows the verb (but "being all grown up" makes nothing)
        cut = next((i for i, w in enumerate(words[1:], 1) if w in ("in", "on", "at", "for", "with", "to", "from",
                                                                  "and", "by", "under", "inside")), len(words))
        said = [w for w in words[1:cut] if w not in ("a", "an", "the", "some")]
        return "the " + " ".join(said) if 0 < len(said) <= 3 else ""
    if not nouns or len(words) > 1 and words[1] in ("it", "them"):  # "painting it every colour": it, told before
        return ""
    at = min(words.index(n) if n in words else words.index(n + "s") for n in nouns)  # the first said: "making tea
    # for every lost traveller at the top of a mountain", where the place was told first
    start = next((i for i in range(at, 0, -1) if words[i - 1] in ("a", "an", "the", "her", "his", "its", "their")),
                 at)
    while at + 1 < len(words) and (words[at + 1] in nouns or words[at + 1].removesuffix("s") in nouns):
        at += 1  # "a lemon tree"
    if at + 1 < len(words) and "AUX" in getAllLemmas(words[at + 1]):
        return ""  # "discovering the family dog has been…": a happening, no thing
    return "the " + " ".join(words[start:at + 1])


def destination(event) -> str:
    """Where a journey goes: "the city" in "walking all the way to the city"."""
    from lemminflect import getAllLemmas

    words = event.frame.split()
    for prep in ("to", "into", "towards", "toward"):
        if prep in words:
            rest = words[words.index(prep) + 1:]
            verb = rest and "VERB" in getAllLemmas(rest[0]) and rest[1:2] in (["the"], ["a"], ["an"], ["her"])
            if not rest or verb or ("VERB" in getAllLemmas(rest[0]) and "NOUN" not in getAllLemmas(rest[0])):
                continue  # "to slay a dragon", "to chase the butterfly": a purpose, not a place
            cut = next((i for i, w in enumerate(rest) if w in EN.place_ends), None)
            if not rest[:cut] or animate(rest[:cut][-1]):
                continue  # "leaving a sweet potato to the stray cat": someone, not a place
            return " ".join(rest[:cut])
    return ""


def short(rest: str) -> str:
    """An action without where, when and with whom, for the moments around it ("open a flower shop" of "open a
    flower shop in an old train station"): the frame of the action itself says those; but a word of what it is
    about stays ("row out in a storm")."""
    words = rest.split()
    cut = next((i for i, w in enumerate(words) if any(len(x) > 3 and x not in EN.place_ends for x in words[:i])
                and (w in EN.place_ends or w in EN.times or w.endswith(","))), None)
    return " ".join(words[:cut]).rstrip(",")


def where(frame: str, destination: bool = True, around: bool = False) -> str:
    """A place a frame names: "in a junkyard", "at the gate" (not a time: "at night"); with `destination`, also
    where it goes ("delivering letters to the wrong houses": arriving there comes first); `around`, also what it is
    under or behind ("under the floorboards of a busy theatre")."""
    word = rf"(?!(?:{'|'.join(['of', 'beside', *EN.place_ends])})\b)\w+"  # not "to his father high"
    noun = rf"(?:the|a|an|her|his|their)\s+(?:{word}\s+){{0,3}}{word}"  # "the dusty attic", "a stolen ice cream van"
    prepositions = "in|at|on|inside|into|to" if destination else "in|at|on|inside|under|beneath|behind" if around \
        else "in|at|on|inside"
    match = re.search(rf"\b({prepositions})\s+({noun}(?:\s+of\s+{noun})?)", frame)
    if not match or match.group(2).split()[-1] in {*EN.times, "morning", "day", "night", "evening", "every", "end"} \
            or set(match.group(2).split()) & set(EN.weather):  # "in the middle of a thunderstorm": no place
        return ""
    if animate(match.group(2).split()[-1]):
        return ""  # "leaving a sweet potato to the stray cat", "laughing at the little cat": a someone, no place
    preposition = {"into": "in", "to": "at", "on": "on"}.get(match.group(1), match.group(1))
    return f"{preposition} {match.group(2)}"
