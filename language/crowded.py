"""More moments than frames: two short neighbouring moments told in one frame, so that none is lost before one
has to be dropped ("flying home and splashing down in the ocean"; "racing down the lane, the fire bell ringing")."""

from __future__ import annotations


def joined(events: list[list[tuple[str, str]]], count: int, most: int = 16) -> list[list[tuple[str, str]]]:
    """More moments than frames: the two shortest neighbours told in one frame while they are short together
    ("flying home and splashing down in the ocean"), so that no moment is lost; what they share is said once."""
    events = list(events)
    while len(events) > count:
        pairs = [(len(a[0][0].split()) + len(b[0][0].split()), i)
                 for i, (a, b) in enumerate(zip(events, events[1:], strict=False)) if len(a) == len(b) == 1
                 and _shared(a[0][1].split(), b[0][1].split()) and a[0][0].split()[0].endswith("ing")
                 and b[0][0].split()[0].endswith("ing")]  # the same one acting in both
        pairs += [(len(a[0][0].split()) + len(b[0][0].split()), i)  # "the fire bell ringing" as they race off,
                  for i, (a, b) in enumerate(zip(events, events[1:], strict=False)) if len(a) == len(b) == 1
                  and a[0][0].split()[0].endswith("ing") != b[0][0].split()[0].endswith("ing")]  # or after it
        if not pairs or min(pairs)[0] > most:
            break
        i = min(pairs)[1]
        (frame, caption), (then, then_caption) = events[i][0], events[i + 1][0]
        if frame.split()[0].endswith("ing") != then.split()[0].endswith("ing"):  # another's moment and the main
            own = frame if frame.split()[0].endswith("ing") else then  # character's: one picture, theirs first
            events[i:i + 2] = [[(f"{own}, {then if own is frame else frame}",  # the captions as two sentences
                                 f"{caption} {then_caption}")]]
            continue
        shared = _shared(frame.split()[::-1], then.split()[::-1])  # "… with the robot"
        said = _shared(caption.split(), then_caption.split())  # "Kira and the robot …"
        frame = " ".join(frame.split()[:len(frame.split()) - shared]) + " and " + then
        caption = caption.rstrip(".") + " and " + " ".join(then_caption.split()[said:])
        events[i:i + 2] = [[(frame, caption)]]
    return events


def _shared(words: list[str], others: list[str]) -> int:
    """How many words two lists share from their start."""
    return next((n for n, (a, b) in enumerate(zip(words, others, strict=False)) if a != b),
                min(len(words), len(others)))
