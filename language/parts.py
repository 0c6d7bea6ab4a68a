"""What a request is made of, in either language: the actions its words name, the frames it names (`Frames`),
lexicon values by kind, and what it is about. English requests are read by `language.request_parts`, Chinese
ones by `language.chinese`; `language.requests` turns parts into operations."""

from __future__ import annotations

from dataclasses import dataclass, field

from language.frames import Frames


@dataclass
class Value:
    kind: str  # lexicon category
    word: str  # the lexicon entry, lower case ("sky blue", "night")
    noun: str = ""  # the noun it describes, when it describes one ("boat" for "make the boat red")
    start: int = 0


@dataclass
class Parts:
    text: str
    language: str = "en"
    actions: dict[str, str] = field(default_factory=dict)  # action → the words that named it
    frames: Frames = field(default_factory=Frames)
    values: dict[str, list[Value]] = field(default_factory=dict)
    old: set[str] = field(default_factory=set)  # words said to go
    character: bool = False  # about the main character ("she", "Juno", "the hero")
    thing: str = ""  # about a thing shown in the frames
    content: str = ""  # a scene in words
    title: str = ""
    caption: str = ""
    quoted: str = ""
    too: bool = False  # "too dark": the opposite is wanted
    items: list[tuple[str, str]] = field(default_factory=list)  # things to wear or carry: ("a straw hat", "hat")
    whole_frame: bool = False  # the frame itself is what changes ("frame 5 should show…", "change frame 1 to…")
    replacement: tuple[str, str] = ("", "")  # a thing shown and what replaces it ("pies", "apple pies")
    member: str = ""  # the cast member a change is about, by id, when it is not the main character
    members: list[str] = field(default_factory=list)  # cast members the request names, by id ("the dog", "Bo")
    member_name: str = ""  # a name given to a member ("the crow is called Pip")
    newcomer: tuple[str, str, str] = ("", "", "")  # a new member: (handle, description, name)
    absent: str = ""  # a being the change is for that the story does not have ("give the kitten a scarf")

    def has(self, kind: str) -> bool:
        return bool(self.values.get(kind))

    def first(self, kind: str) -> Value | None:
        return (self.values.get(kind) or [None])[0]


def answered(readings: list[Parts]) -> list[Parts]:
    """A complaint about a frame and then what it should be instead ("the balcony ending is a bit sad; cosier
    please"): one change, of the frame the complaint names."""
    kept = []
    for reading in readings:
        before = kept[-1] if kept else None
        if before is not None and before.too and before.has("moods") and before.frames.named and reading.has(
                "moods") and not reading.frames.any and not reading.too:
            reading.frames = before.frames
            kept[-1] = reading
            continue
        kept.append(reading)
    return kept
