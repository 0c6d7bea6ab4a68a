"""The paraphrase tables: base stories, rows, and the checks of a row's expectation against the story a request
leaves (tests/language/build/*.yaml are built against; tests/language/held/*.yaml are held out and only scored)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
KINDS = sorted(p.stem for p in (HERE / "build").glob("*.yaml") if p.stem != "ideas")


def stories() -> dict:
    return yaml.safe_load((HERE / "stories.yaml").read_text(encoding="utf-8"))


def rows(split: str, kind: str) -> list[dict]:
    return yaml.safe_load((HERE / split / f"{kind}.yaml").read_text(encoding="utf-8"))


def base_story(name: str):
    """A saved-state Story of one of the base stories (with its cast when it has one)."""
    from core.story import Frame, Story

    spec = stories()[name]
    frames = [Frame(prompt=f["prompt"], caption=f["caption"], **({"cast": f["cast"]} if "cast" in f and _has_cast()
                                                                  else {})) for f in spec["frames"]]
    extra = {"cast": spec["cast"]} if "cast" in spec and _has_cast() else {}
    return Story(title=spec["title"], identity_prompt=spec["identity_prompt"], style=spec["style"], frames=frames,
                 idea=f"{spec.get('name', '')}", **extra)


def _has_cast() -> bool:
    from core.story import StoryContent

    return "cast" in StoryContent.model_fields


def run_row(row: dict):
    """(the story before, the story after, the last reply) of a row's request(s) through the real session."""
    import tempfile

    from agent.session import NO_LLM, StorySession

    story = base_story(row["story"])
    folder = Path(tempfile.mkdtemp(prefix="table-"))
    session = StorySession(folder / "s", story, llm=NO_LLM, generator_provider=lambda: None)
    session.save()
    before = session.story
    reply = None
    for message in row.get("sequence") or [row["say"]]:
        reply = session.revise(message)
    return before, session.story, reply


def _frame(story, key):
    frames = story.frames
    index = len(frames) - 1 if key == "last" else int(key) - 1
    return frames[index].prompt.lower() if 0 <= index < len(frames) else ""


def problems(row: dict, before, after, reply) -> list[str]:
    """What the story after a row's request does not do that the row expects (empty: the row passes).

    Longer than 50 lines: one short check per expectation key of the table format (tests/language/README.md).
    """
    expect, bad = row["expect"], []
    texts = lambda story: [f.prompt for f in story.frames]  # noqa: E731
    unchanged = (texts(before), before.identity_prompt, before.title, before.style) == (
        texts(after), after.identity_prompt, after.title, after.style)
    asked = reply is not None and reply.question is not None
    if expect.get("error"):
        if not unchanged or not re.search(rf"\b{len(before.frames)}\b", reply.text or ""):
            bad.append(f"impossible request: changed={not unchanged}, reply={reply.text[:80]!r}")
        return bad
    if expect.get("question"):
        return [] if asked and unchanged else [f"expected a question; reply={reply.text[:80]!r}"]
    for key in ("count_is_or_question", "cast_size_or_question"):
        if key in expect and asked and unchanged:
            return []
    if asked and not expect.get("unchanged"):
        return [f"asked back: {reply.text[:100]!r}"]
    ids = [f.id for f in before.frames]
    if "order" in expect:
        order = [ids.index(f.id) + 1 if f.id in ids else "new" for f in after.frames]
        if order != expect["order"]:
            bad.append(f"order {order}, expected {expect['order']}")
    if "changed" in expect:
        changed = [i + 1 for i, f in enumerate(after.frames) if f.id in ids and (  # its text or who is in it
                   f.prompt != before.frames[ids.index(f.id)].prompt or f.cast != before.frames[ids.index(f.id)].cast)]
        if changed != expect["changed"]:
            bad.append(f"changed {changed}, expected {expect['changed']}")
    for key, words in expect.get("frame_has", {}).items():
        if not all(w in _frame(after, key) for w in words):
            bad.append(f"frame {key} lacks {words}: {_frame(after, key)[:70]!r}")
    for key, words in expect.get("frame_has_any", {}).items():
        if not any(w in _frame(after, key) for w in words):
            bad.append(f"frame {key} lacks any of {words}: {_frame(after, key)[:70]!r}")
    for key, words in expect.get("frame_lacks", {}).items():
        if any(w in _frame(after, key) for w in words):
            bad.append(f"frame {key} has one of {words}: {_frame(after, key)[:70]!r}")
    prompts = [p.lower() for p in texts(after)]
    if "all_frames_have" in expect and not all(all(w in p for w in expect["all_frames_have"]) for p in prompts):
        bad.append(f"not every frame has {expect['all_frames_have']}")
    if "some_frame_has" in expect and not any(all(w in p for w in expect["some_frame_has"]) for p in prompts):
        bad.append(f"no frame has {expect['some_frame_has']}")
    if "no_frame_has" in expect and any(any(w in p for w in expect["no_frame_has"]) for p in prompts):
        bad.append(f"a frame has {expect['no_frame_has']}")
    identity = after.identity_prompt.lower()
    if "identity_has" in expect and not all(w in identity for w in expect["identity_has"]):
        bad.append(f"identity lacks {expect['identity_has']}: {identity[:80]!r}")
    if "identity_has_any" in expect and not any(w in identity for w in expect["identity_has_any"]):
        bad.append(f"identity lacks any of {expect['identity_has_any']}: {identity[:80]!r}")
    if "identity_lacks" in expect and any(w in identity for w in expect["identity_lacks"]):
        bad.append(f"identity has one of {expect['identity_lacks']}: {identity[:80]!r}")
    if expect.get("unchanged") and not unchanged:
        bad.append("the story did not end where it started")
    if "title_is" in expect and after.title != expect["title_is"]:
        bad.append(f"title {after.title!r}")
    if "style_has_any" in expect:
        blob = (after.style + " " + " ".join(prompts)).lower()
        if not any(w in blob for w in expect["style_has_any"]):
            bad.append(f"style {after.style!r}")
    for key, want in (("locked", True), ("unlocked", False)):
        for number in expect.get(key, []):
            if number > len(after.frames):
                bad.append(f"frame {number} is gone")
            elif after.frames[number - 1].locked != want:
                bad.append(f"frame {number} locked={after.frames[number - 1].locked}")
    if "rerolled" in expect:
        rolled = [i + 1 for i, f in enumerate(after.frames)
                  if i >= len(before.frames) or f.seed != before.frames[i].seed]
        if rolled != expect["rerolled"]:
            bad.append(f"re-rolled {rolled}, expected {expect['rerolled']}")
    for key in ("count_is", "count_is_or_question"):
        if key in expect and len(after.frames) != expect[key]:
            bad.append(f"{len(after.frames)} frames, expected {expect[key]}")
    for number, caption in expect.get("caption_is", {}).items():
        if after.frames[int(number) - 1].caption.strip() != caption:
            bad.append(f"caption {number} is {after.frames[int(number) - 1].caption!r}")
    bad += _cast_problems(expect, before, after)
    return bad


def _cast_problems(expect: dict, before, after) -> list[str]:
    """The cast keys: character_has/lacks, in_frame/not_in_frame, character_name, cast_size."""
    keys = ("character_has", "character_lacks", "in_frame", "not_in_frame", "character_name", "cast_size",
            "cast_size_or_question")
    if not any(k in expect for k in keys):
        return []
    cast = getattr(after, "cast", None) or []
    bad = []

    def member(word):
        return next((c for c in cast if word in (c.handle or "").lower() or word in (c.description or "").lower()
                     or word == (c.name or "").lower()), None)

    for word, words in expect.get("character_has", {}).items():
        found = member(word)
        if found is None or not all(w in found.description.lower() for w in words):
            bad.append(f"{word}: {getattr(found, 'description', None)!r} lacks {words}")
    for word, words in expect.get("character_lacks", {}).items():
        found = member(word)
        if found is not None and any(w in found.description.lower() for w in words):
            bad.append(f"{word}: {found.description!r} still has {words}")
    for key, present in (("in_frame", True), ("not_in_frame", False)):
        for number, words in expect.get(key, {}).items():
            frame = after.frames[int(number) - 1]
            ids = {c.id for c in cast} if frame.cast is None else set(frame.cast)
            for word in words:
                found = member(word)
                if found is None or (found.id in ids) != present:
                    bad.append(f"frame {number}: {word} present={found is not None and found.id in ids}")
    for word, name in expect.get("character_name", {}).items():
        found = member(word)
        if found is None or found.name != name:
            bad.append(f"{word} is called {getattr(found, 'name', None)!r}")
    for key in ("cast_size", "cast_size_or_question"):
        if key in expect and len(cast) != expect[key]:
            bad.append(f"cast of {len(cast)}, expected {expect[key]}")
    return bad


def plan_row(row: dict):
    """The story the planner makes of a row's idea (no language model)."""
    from language.planner import plan_story

    story, _ = plan_story(row["idea"], None, frames=row.get("frames"))
    return story


def idea_problems(row: dict, story) -> list[str]:
    """What a planned story does not do that an idea row expects (empty: the row passes)."""
    expect, bad = row["expect"], []
    identity, prompts = story.identity_prompt.lower(), [f.prompt.lower() for f in story.frames]
    if "subject_any" in expect and not any(w in identity for w in expect["subject_any"]):
        bad.append(f"identity {identity[:70]!r} lacks any of {expect['subject_any']}")
    if any(w in identity for w in expect.get("subject_lacks", [])):
        bad.append(f"identity {identity[:70]!r} has one of {expect['subject_lacks']}")
    if "frames_is" in expect and len(prompts) != expect["frames_is"]:
        bad.append(f"{len(prompts)} frames, expected {expect['frames_is']}")
    if "any_frame_any" in expect and not any(w in p for p in prompts for w in expect["any_frame_any"]):
        bad.append(f"no frame has any of {expect['any_frame_any']}")
    if "last_frame_any" in expect and not any(w in prompts[-1] for w in expect["last_frame_any"]):
        bad.append(f"last frame {prompts[-1][:60]!r} lacks {expect['last_frame_any']}")
    if any(w in p for p in prompts for w in expect.get("no_frame_any", [])):
        bad.append(f"a frame has one of {expect['no_frame_any']}")
    if expect.get("identity_has_all") and not all(w in identity for w in expect["identity_has_all"]):
        bad.append(f"identity {identity[:70]!r} lacks {expect['identity_has_all']}")
    if re.search(r"^(?:of|that|which|who|and|to|but|because)\b", " ".join(prompts[:1])) or any(
            re.match(r"^(?:of|that|which|who|and|to|but|because)\b", p) for p in prompts):
        bad.append("a frame is a sentence fragment")
    cast = getattr(story, "cast", None) or []
    texts = [f"{c.handle} {c.description}".lower() for c in cast]
    for words in expect.get("cast_any", []) if _has_cast() else []:
        if not any(any(w in t for w in words) for t in texts):
            bad.append(f"no cast member is {words}")
    for word in expect.get("not_in_cast", []) if _has_cast() else []:
        if any(word in t for t in texts):
            bad.append(f"{word} is in the cast")
    return bad
