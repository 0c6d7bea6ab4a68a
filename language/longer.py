"""A longer story on request ("two more pictures", "make it 8 frames"): moments of the idea not shown yet, then
beats of the frames' own verbs (`language.beats`), each next to the frame it comes from."""

from __future__ import annotations

from language.beats import arrange, candidates


def idea_frames(story) -> list[tuple[str, str]]:
    """Every frame the story's idea supports, events and beats, for a request for more frames."""
    from core.story import MAX_FRAMES
    from language.idea import read_any

    if not story.idea:
        return []
    reading = read_any(story.idea)
    if reading.hero is None or not reading.events:
        return []
    return arrange(reading, MAX_FRAMES, reading.subject, fill=True)[0]


def more_frames(story, more: int) -> list:
    """New frames for a longer story: moments of the idea not shown yet, then beats of the frames' own verbs
    (the moment just before one, the made or found thing shown after), each next to the frame it comes from."""
    from core import edits
    from language.captions import caption_for, subject_of
    from language.entities import Entity, Event, Idea
    from language.tools import parse

    shown = {f.prompt for f in story.frames}
    unused = [(frame, caption) for frame, caption in idea_frames(story) if frame not in shown]
    hero = Entity(head="hero", phrase="the hero")
    events = []
    for frame in story.frames:
        doc = parse(frame.prompt)
        verb = doc[0].lemma_.lower() if len(doc) and doc[0].tag_ == "VBG" else ""
        events.append(Event(agent=hero, frame=frame.prompt, caption=frame.caption, verb=verb,
                            things=[t.lemma_.lower() for t in doc if t.pos_ == "NOUN"]))
    beats = sorted(candidates(Idea(text="", hero=hero, events=events), subject_of(story), fill=True),
                   key=lambda b: b.priority)
    ops, added = [], 0
    for frame, caption in unused[:more]:
        ops.append(edits.InsertFrame(position=len(story.frames) - 1 + added, text=frame, caption=caption))
        added += 1
    for beat in [b for b in beats if b.frame not in shown][:more - added]:
        position = beat.after + 1 + sum(1 for op in ops if op.position <= beat.after + 1)
        ops.append(edits.InsertFrame(position=position, text=beat.frame,
                                     caption=beat.caption or caption_for(beat.frame, story)))
    return ops
