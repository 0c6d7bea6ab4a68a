"""What a request says about frames, in either language: the frames it names, where a frame goes, the story's
new length (`language.refs` reads it from English, `language.chinese_refs` from Chinese)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Frames:
    """What a request says about frames: the frames it names, where a frame goes, the story's new length."""

    named: list[int] = field(default_factory=list)  # 0-based, in the order said
    said: list[int] = field(default_factory=list)  # 1-based numbers as said (also out of range ones)
    excluded: set[int] = field(default_factory=set)  # "all except the second"
    everything: bool = False  # "all the pictures", "throughout"
    rest: bool = False  # "the others", "the rest": every frame not otherwise named
    place: int | None = None  # a new or moved frame goes before this index (len = at the end)
    count: int | None = None  # the story's new length ("make it 6 frames")
    more: int = 0  # "two more pictures" (+2), "one fewer" (-1)
    unreadable: str = ""  # "frame -1", "frame NaN": a number that names no frame
    unclear: list[int] = field(default_factory=list)  # a description that fits several frames equally
    unmatched: str = ""  # a description that fits no frame
    anchorless: bool = False  # "before …", "between …" whose reference was not found
    spans: list[tuple[int, int]] = field(default_factory=list)  # what was read (token or character spans)
    place_end: int | None = None  # where the words that set `place` end (what a new frame shows follows them)
    wrong: str = ""  # the words of a reference to a frame the story does not have ("the ninth frame")
    anchors: list[int] = field(default_factory=list)  # the frames a place is said by ("between 3 and 4": 2, 3)

    def place_as_frame(self, total: int) -> None:
        """A start or end said for a change rather than a new frame ("in the opening picture") names that frame."""
        if self.place in (0, total) and not self.named:
            self.named, self.place = [min(self.place, total - 1)], None

    def anchors_as_frames(self) -> None:
        """The two frames a place is said between name the frames ("trade places between the oven scene and the
        market picture": a swap of those two)."""
        if self.place is not None and not self.named and len(self.anchors) == 2:
            self.named, self.place, self.place_end = list(self.anchors), None, None

    def indices(self, total: int) -> list[int]:
        """The frames named, every frame for "all", the others for "the rest", minus exclusions."""
        if self.everything or (self.rest and not self.named):
            chosen = list(range(total))
        elif self.rest:
            chosen = [i for i in range(total) if i not in self.named]
        else:
            chosen = list(dict.fromkeys(self.named))
        return [i for i in chosen if i not in self.excluded]

    def problem(self, total: int) -> str | None:
        """Why the request cannot be done with this story's frames, in words; None when it can."""
        if self.unreadable:
            return (f"“{self.unreadable}” is not a frame number. There are only {total} frames, numbered 1 to "
                    f"{total}. Nothing was changed.")
        wrong = [n for n in self.said if not 1 <= n <= total]
        if wrong:
            return (f"There is no frame {wrong[0]}. There are only {total} frames, numbered 1 to {total}. "
                    "Nothing was changed.")
        return None

    @property
    def any(self) -> bool:
        return bool(self.named or self.everything or self.rest or self.said)
