"""Frames from an idea's events: as many as asked, the last event always last (a twist is the point).

When the idea tells fewer moments than frames asked, only beats its own words support are added, each from one
event by its kind of verb (`en.yaml`: `beat_verbs`): setting off before a journey and arriving after it, the made
thing shown when it is made, the found thing looked at, a wish coming true, the idea's place before anything
happens. Never filler such as "… in the early morning, wide shot". When those run out, the plan has fewer frames,
and the reply says so and offers what could be added.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from language.crowded import joined
from language.frame_words import destination, made_thing, short, where
from language.lexicon import EN, ZH, word_set
from language.phrases import sentence
from language.tools import inflect, lemma_of


@dataclass
class Beat:
    frame: str
    caption: str
    after: int  # the index of the event it follows (-1: before the first)
    priority: int  # lower first
    phase: int = 5  # the order of beats between the same two events: the place first, the moment before last


TRIED, CAME_TRUE, BEFORE_NEXT = 1, 2, 10  # phases: a wish tried, a wish come true; from 10 on, before the next event


def _kind(verb: str) -> str | None:
    return next((kind for kind, verbs in EN.beat_verbs.items() if verb in verbs), None)


def _beat(frame: str, caption: str, after: int, priority: int, phase: int = 5) -> Beat:
    return Beat(frame.strip(), sentence(caption), after, priority, phase)


def candidates(idea, subject: str, fill: bool = False, around: bool = True) -> list[Beat]:
    """Every beat the idea's words support, each placed next to the event it comes from: results of its own
    verbs first (the made thing shown, the wish come true, the place reached), then its places, then the moments
    just before its actions."""
    beats = []
    if idea.language != "en":
        return _chinese(idea, subject, fill)
    if idea.setting and idea.events and idea.setting.split()[-1] not in idea.events[0].frame:
        where = idea.setting.split(" ", 1)[1]
        beats.append(_beat(f"looking around {where}", f"{subject} {_verb('look', idea)} around {where}", -1, 2, 10))
    for index, event in enumerate(idea.events):
        if event.agent is not None and event.agent is not idea.hero:
            continue
        verb, _, rest = event.frame.partition(" ")
        rest = re.split(r" and (?=\w+ing\b)", rest)[0]  # "leaving the pond and going to the city": one action
        lemma = event.verb if _kind(event.verb) or not verb.endswith("ing") else lemma_of(verb)
        kind, thing, place = _kind(lemma), made_thing(event), destination(event)  # "whose only power is finding socks"
        beats += _results(idea, event, index, (kind, lemma, thing, place), subject, fill)
        beats += _wishes(idea, event, index, subject, fill)
        journey = kind == "travel" and place  # "running the post office" is no journey
        habit = word_set("habit_words") & set(event.frame.split())  # no "getting ready to practise every night"
        own = verb.endswith("ing") and rest and event.verb and verb not in ("being", "getting")
        if own and not journey and not habit and not event.parts and \
                event.verb not in EN.beat_verbs["state"] + EN.beat_verbs["moment"]:
            # the moment before: one per story, unless a number of frames was asked for (`fill`); said short, as the
            # next frame says where and when ("getting ready to open a flower shop", then "… in an old station")
            if fill or not any(b.frame.startswith("getting ready to") for b in beats):
                beats.append(_beat(f"getting ready to {event.verb} {short(rest)}", f"{subject} "
                                   f"{_verb('get', idea)} ready to {event.verb} {short(rest)}", index - 1, 3 + index,
                                   14))
        if own and fill and event.verb not in EN.beat_verbs["state"]:  # "about to reach the cave", late
            beats.append(_beat(f"about to {event.verb} {short(rest)}", f"{subject} {'are' if _plural(idea) else 'is'}"
                               f" about to {event.verb} {short(rest)}", index - 1, 30 + index, 15))
            beats.append(_beat(f"starting to {event.verb} {short(rest)}", f"{subject} {_verb('start', idea)} to "
                               f"{event.verb} {short(rest)}", index - 1, 50 + index, 16))  # the first pull, last
    feelings = [w for w in (idea.looks.adjectives if idea.looks else []) if w.lower() in EN.feelings]
    if feelings and idea.events:  # "a lonely little cloud": how it feels before anything happens
        beats.append(_beat(f"feeling {feelings[0]}", f"{subject} {_verb('feel', idea)} {feelings[0]}", -1, 4, 11))
    return beats + _others(idea, subject, fill) + (_around(idea) if fill and around else [])


def _results(idea, event, index: int, read: tuple, subject: str, fill: bool) -> list[Beat]:
    """The beats of an event's kind of verb: setting off and arriving, the made thing shown, the search before a
    find and the found thing looked at, a wish or an aim come true."""
    kind, lemma, thing, place = read
    last = index == len(idea.events) - 1
    if kind == "travel" and place:
        return [_beat(f"setting off for {place}", f"{subject} {_verb('set', idea)} off for {place}", index - 1, 1, 12)
                ] + ([] if last else [_beat(f"arriving at {place}", f"{subject} {_verb('arrive', idea)} at {place}",
                                            index, 1, 5)])
    if kind == "make" and thing and (not last or fill):  # after the last event only when frames are asked
        return [_shown(idea, thing, subject, index, 25 * last)]
    if kind == "find" and thing:
        search = [_beat(f"searching for {thing}", f"{subject} {_verb('search', idea)} for {thing}", index - 1, 1, 13)]
        look = [_beat(f"looking closely at {thing}", f"{subject} {_verb('look', idea)} closely at {thing}", index, 1,
                      5)]
        lost = word_set("lost_words") & set(re.findall(r"\w+", idea.text.lower())) or any(  # a search only for
            w in idea.text for w in ZH.lost_words) or event.frame.startswith("not ")  # what was lost, or not found
        return (search if lemma in ("find", "discover") and lost else []) + (
            [] if last or event.frame.startswith("not ") else look)
    if kind in ("wish", "aim", "state") and " to " in event.frame and event.verb in EN.beat_verbs["wish"] + \
            EN.beat_verbs["aim"]:
        head, more = _aimed(event)
        made = [_shown(idea, thing, subject, index, 25)] if _kind(head) == "make" and thing and (not last or fill) \
            else []
        return [_beat(f"{inflect(head, 'VBG')} {more}", f"{subject} {inflect(head, 'VBZ')} {more}", index, 0,
                      CAME_TRUE)] + made
    return []


def _aimed(event) -> tuple[str, str]:
    """(verb, rest) of what an event wants or aims at: "knit", "a scarf" of "learning to knit a scarf from his
    granny" (who teaches is no part of the knitting)."""
    head, _, more = event.frame.split(" to ", 1)[1].partition(" ")
    return head, more.split(" from ")[0] if event.verb == "learn" else more


def _shown(idea, thing: str, subject: str, index: int, priority: int) -> Beat:
    return _beat(f"proudly showing {thing}", f"{subject} proudly {_verb('show', idea)} {thing}", index, priority, 6)


def _wishes(idea, event, index: int, subject: str, fill: bool) -> list[Beat]:
    """The way to a wish or an aim, and a feeling about something: "wanting to make a rainbow" is dreamt of
    before and tried after (the wish coming true is `_results`'); "afraid of the sea": looking out at it before,
    facing it after and, for a number of frames asked, no longer afraid at last."""
    kind = _kind(event.verb)
    purpose = re.search(r"\bto (\w+) (?:a|an|the|some) (.+)$", event.frame)  # "collects them to build a sculpture"
    if purpose and kind not in ("wish", "aim") and _kind(purpose.group(1)) == "make" and " being " not in event.frame:
        head, thing = purpose.group(1), f"the {purpose.group(2)}"
        last = index == len(idea.events) - 1
        made = _beat(f"{inflect(head, 'VBG')} {thing}", f"{subject} {_verb(head, idea)} {thing}", index, 2, CAME_TRUE)
        return [made] + ([_shown(idea, thing, subject, index, 25)] if fill or not last else [])
    if kind in ("wish", "aim") and " to " in event.frame:
        head, more = _aimed(event)
        dream = [_beat(f"dreaming of {inflect(head, 'VBG')} {more}".strip(), f"{subject} {_verb('dream', idea)} of "
                       f"{inflect(head, 'VBG')} {more}", index - 1, 20, 14)] if kind == "wish" else []
        return dream + ([_trying(idea, subject, head, more, index, 4)] if event.verb != "try" else [])
    too = re.match(r"being too (\w+) to (\w+)\s*(.*)", event.frame)  # "too shy to shine": tried, then done at last
    if too and fill:
        head, more = too.group(2), too.group(3)
        return [_beat(f"feeling {too.group(1)}", f"{subject} {_verb('feel', idea)} {too.group(1)}", index - 1, 36, 11),
                _trying(idea, subject, head, more, index, 20),
                _beat(f"{inflect(head, 'VBG')} {more} at last".replace("  ", " "), f"{subject} {inflect(head, 'VBZ')} "
                      f"{more} at last", index, 35, CAME_TRUE)]
    if event.verb == "be" and " of " in event.frame:  # "afraid of the sea": the thing it is about
        state, about = event.frame.removeprefix("being ").split(" of ", 1)
        return [_beat(f"looking out at {about}, {state}", f"{subject} {_verb('look', idea)} out at {about}", index - 1,
                      6, 14),
                _beat(f"facing {about}, still {state}", f"{subject} {_verb('face', idea)} {about}", index, 10, 3)] + (
            [_beat(f"no longer {state} of {about}", f"{subject} {'are' if _plural(idea) else 'is'} no longer {state} "
                   f"of {about}", index, 35, 4)] if fill else [])
    return []


def _trying(idea, subject: str, head: str, more: str, index: int, priority: int) -> Beat:
    return _beat(f"trying to {head} {more}".strip(), f"{subject} {_verb('try', idea)} to {head} {more}", index,
                 priority, TRIED)


def _chinese(idea, subject: str, fill: bool) -> list[Beat]:
    """A Chinese story's beats: the place it opens in ("在奶奶的菜园里"), then the beats its events' English
    verbs support, as for an English story, each captioned with the person's own clause and "…之前" / "…之后"
    (before or after it); "just before …" only when nothing else is left."""
    import dataclasses

    beats = []
    lead = re.match(r"^在(.+?)(?:里|上|中|边)", idea.text)
    if idea.setting and lead and idea.hero is not None:
        beats.append(Beat(f"{idea.hero.short} {idea.setting}", f"{lead.group(0)}。", -1, 2, 10))
    english = dataclasses.replace(idea, language="en", setting="")
    for beat in candidates(english, subject, fill, around=False):  # its moments around: below
        before = beat.phase >= BEFORE_NEXT and beat.after + 1 < len(idea.events)  # the moment before the next one
        said = idea.events[beat.after + before].caption.rstrip("。.!！")
        caption = f"{said}之前。" if before else f"{said}之后。"
        template = next((t for lead, t in ZH.beat_captions.items() if beat.frame.startswith(lead)), None)
        wish = next((w for w in sorted(ZH.want_verbs, key=len, reverse=True) if w in said), None)
        if wish and not before and beat.phase in (TRIED, CAME_TRUE):  # the wish tried (一直想 → 试着), then come
            step = ZH.wish_steps["tried" if beat.phase == TRIED else "came_true"]  # true (终于…了)
            caption = said.replace(wish, step, 1) + ("。" if beat.phase == TRIED else "了。")
        elif template:  # "setting off for the park": "她出发了。", not the clause with "…之前"
            caption = template.format(who=_chinese_subject(idea, said))
        beats.append(Beat(beat.frame, caption, beat.after, beat.priority, beat.phase))
    return beats + (_around(idea) if fill else [])  # the person's clauses as captions


def _chinese_subject(idea, said: str) -> str:
    """Who a Chinese caption names: the words before the clause's first verb (她, 三只小鸭子), else those of the
    idea's first clause ("一个小男孩" → 小男孩), else the name."""
    from language.chinese_words import words

    for clause in (said, idea.events[0].caption if idea.events else ""):
        lead = list(itertools.takewhile(lambda pair: not pair[1].startswith(("v", "p", "d", "t")), words(clause)))
        while lead and not lead[-1][1].startswith(("n", "r")):  # "三只小鸭子第一次…": not "the first time"
            lead.pop()
        if lead:
            return "".join(w for w, f in lead if not (f == "m" and w.startswith("一")))
    tail = words(said)[-1:]  # "会弹钢琴的章鱼": the clause is the one it names
    return (idea.hero.name if idea.hero else "") or (tail[0][0] if tail and tail[0][1].startswith("n") else "主角")


def _around(idea) -> list[Beat]:
    """The moment just after each of the idea's own events, last of all, for a number of frames its other beats
    cannot fill: the main character smiling after acting ("smiling after making a rainbow"); never after the last
    event, which stays last, unless nothing else is left. A Chinese story's captions are the person's clauses with
    "…之前" / "…之后", for its other characters' actions too."""
    beats, names = [], {word for e in idea.entities for word in e.name.split()}
    for index, event in enumerate(idea.events):
        said = event.caption.rstrip("。.!！") or event.frame
        verb, _, rest = event.frame.partition(" ")
        own = verb.endswith("ing") and verb not in ("being", "getting", "having") and event.verb not in \
            EN.beat_verbs["state"]
        if not said.strip():
            continue
        if idea.language == "en" and own:
            beats.append(_beat(f"smiling after {verb} {short(rest)}",
                               f"{idea.subject} {_verb('smile', idea)} after {verb} {short(rest)}", index, 40 + index))
            continue
        if idea.language == "en":  # another's action or a state: only when nothing else is left
            said = said if said.split()[0].strip(",'’s") in names else said[:1].lower() + said[1:]
            frames, before, after = (f"just before {event.frame}", f"just after {event.frame}"), \
                sentence(f"just before {said}"), sentence(f"just after {said}")
        else:
            frames = (f"about to {lemma_of(verb)} {rest}".strip(), f"smiling after {event.frame}") if own else (
                f"just before {event.frame}", f"just after {event.frame}")
            before, after = f"{said}之前。", f"{said}之后。"
        late = 60 if idea.language == "en" else 0
        if idea.language == "en" and event.frame.split()[0] in ("being", "having", "not"):
            late += 100  # "just before being afraid of the sea": only when nothing at all is left
        beats.append(Beat(frames[0], before, index - 1, 30 + late + index, 17))
        beats.append(Beat(frames[1], after, index, 40 + late + index, 8))
    if beats:  # after the last event only when nothing else is left
        beats[-1] = Beat(beats[-1].frame, beats[-1].caption, beats[-1].after, 99, beats[-1].phase)
    return beats




def _plural(idea) -> bool:
    return idea.hero is not None and idea.hero.plural


def _verb(lemma: str, idea) -> str:
    """A verb that agrees with the main character ("gets", or "get" for "three frog brothers")."""
    return lemma if _plural(idea) else inflect(lemma, "VBZ")


def _others(idea, subject: str, fill: bool = False) -> list[Beat]:
    """The idea's own people, animals and places: meeting someone before they act, arriving at a place before
    something happens there, the moment before another's action; for a number of frames asked, the main
    character watching another's action ("watching the kitten keep delivering letters to the wrong houses")."""
    beats, met = [], set()
    for index, event in enumerate(idea.events):
        agent = event.agent
        if agent is not None and agent is not idea.hero and agent.head not in met and agent.animate:
            met.add(agent.head)
            who = agent.name or agent.short or agent.phrase
            before = idea.events[index - 1] if index else None  # "her first customer is a nervous groom": met
            if before is None or before.verb != "be" or agent.head not in before.frame.split():
                beats.append(_beat(f"meeting {who}", f"{subject} {_verb('meet', idea)} {who}", index - 1, 5, 12))
        if agent is not None and agent is not idea.hero and " " in event.frame:
            who, _, rest = event.frame.partition(" ")
            verb = event.verb
            if verb and verb not in EN.beat_verbs["state"] and agent.animate and not {"being", "not"} & set(
                    event.frame.split()[:4]):
                name = agent.name or agent.short or agent.phrase
                rest = event.frame[len(name):].strip().partition(" ")[2]
                gets = "get" if agent.plural else "gets"
                beats.append(_beat(f"{name} getting ready to {verb} {rest}", f"{name} {gets} ready to {verb} {rest}",
                                   index - 1, 6, 14))
            name = agent.name or agent.short or agent.phrase
            acting = event.frame[len(name):].strip().partition(" ") if event.frame.startswith(name) else ("", "", "")
            if fill and acting[0].endswith("ing") and index < len(idea.events) - 1:  # the last event stays last
                watched = f"{name} {lemma_of(acting[0])} {acting[2]}".strip()
                beats.append(_beat(f"watching {watched}", f"{subject} {_verb('watch', idea)} {watched}", index, 8, 7))
        own = agent is None or agent is idea.hero  # where another goes is not where the hero arrives
        place = where(event.frame, destination=_kind(event.verb) != "travel" and own)  # "flying to the moon":
        if place and (not index or place not in idea.events[index - 1].frame):
            beats.append(_beat(f"arriving {place}", f"{subject} {_verb('arrive', idea)} {place}", index - 1, 7, 11))
        around = where(event.frame, destination=False, around=True)
        if fill and around and not place and not any(around in e.frame for e in idea.events[:index]):
            beats.append(_beat(f"{around}, wide shot", around, index - 1, 9, 10))  # "under the floorboards of a busy
    return beats  # theatre": the place shown before what happens there




def arrange(idea, count: int, subject: str, fill: bool = False) -> tuple[list[tuple[str, str]], list[str]]:
    """(frame texts with captions, beats that could still be added) for `count` frames; fewer frames when the
    idea does not support more. The last event stays last."""
    events = _settled(idea, [[(e.frame, e.caption)] for e in idea.events], count)
    when = "|".join(map(re.escape, [*EN.time_units, *EN.seasons, *EN.times]))  # "One summer morning, …": the
    first = next((i for i, group in enumerate(events) if re.match(  # story starts there, what was before is
        rf"(?:{'|'.join(EN.first_markers)}|one (?:\w+ )?(?:{when}))\b", group[0][1], re.I)), 0)  # its setting
    events = events[min(first, max(len(events) - count, 0)):]  # "…and first they build": what comes before is
    events = joined(events, count)  # the setting, the first to go when there are more moments than frames
    if len(events) >= count:
        keep = sorted({0, len(events) - 1, *[round(i * (len(events) - 1) / max(count - 1, 1)) for i in range(count)]})
        while len(keep) > count:
            keep.pop(len(keep) // 2)
        return [events[i][0] for i in keep], []
    for index, event in enumerate(idea.events):  # a list, one thing per frame ("a hollow tree, a cave…")
        if event.parts and sum(map(len, events)) - 1 + len(event.parts) <= count:
            events[index] = event.parts
    short = count - sum(map(len, events))
    beats = sorted(candidates(idea, subject, fill), key=lambda b: b.priority)
    chosen = [b for b in beats if b.frame not in {f for group in events for f, _ in group}][:max(short, 0)]
    spare = [b.frame for b in beats if b not in chosen]
    planned = []
    for index in range(-1, len(events)):
        if index >= 0:
            planned += events[index]
        planned += [(b.frame, b.caption) for b in sorted(chosen, key=lambda b: b.phase) if b.after == index]
    return planned, spare


def _settled(idea, events: list, count: int) -> list:
    """More moments than frames: where someone lives is where the next moment happens ("lives in a windy hill town,
    where she builds a kite" → "building a kite … in a windy hill town"), not a moment of its own."""
    over, place, kept = len(events) - count, "", []
    for index, (event, group) in enumerate(zip(idea.events, events, strict=True)):
        if over > 0 and event.verb in word_set("setting_verbs") and index < len(events) - 1 and len(group) == 1:
            place, over = where(event.frame, destination=False), over - 1
            continue
        if place and len(group) == 1 and place.split()[-1] not in group[0][0]:
            group = [(f"{group[0][0]} {place}", group[0][1])]
        kept.append(group)
        place = ""
    return kept
