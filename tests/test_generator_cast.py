"""A cast in the engine, on the tiny SDXL pipeline (random weights, real tokenizer, causal text encoders): a cast of
one renders as today, absent characters get no attention at all, presence is per row, and characters look the
same wherever they appear (cast_design.md (c), failure modes 1, 4, 5, 6, 10)."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import generator.ipca as ipca_module
from core.cast import Character, compose_prefix
from core.styles import compose_identity
from generator import GenerationSettings
from generator.request import EmbeddingCache

GIRL = Character(id="girl", handle="the girl", description="a girl with red braids and a yellow raincoat")
DOG = Character(id="dog", handle="the dog", description="a small black dog with a white patch")
CAT = Character(id="cat", handle="the cat", description="a grey cat with green eyes")
STYLE = "storybook"
FRAMES = ["the girl and the dog walk to school", "the dog sleeps by the fire", "the empty beach at dawn"]
PRESENCE = [None, ["dog"], []]  # everyone, the dog alone, nobody
FAST = GenerationSettings(steps=2, batch_size=3, seed=5, width=64, height=64)


def render(generator, identity, settings=FAST, presence=None, frames=FRAMES, **kwargs):
    return generator.render(identity, frames, settings, presence=presence, output_type="np", **kwargs)


def equal(a, b, atol=0.0):
    return a.keys() == b.keys() and all(np.allclose(a[k], b[k], atol=atol, rtol=0) for k in a)


@pytest.mark.parametrize("ipca", ["fast", "reference"])
@pytest.mark.parametrize("svr", ["svr", "svr-eot"])
@pytest.mark.parametrize("batch, window", [(1, 10), (3, 10), (3, 2)])  # window 2: sliding windows (case B)
def test_a_cast_of_one_renders_bit_identically_to_the_identity_prompt(tiny_generator, ipca, svr, batch, window):
    settings = FAST.model_copy(update={"ipca": ipca, "svr": svr, "batch_size": batch, "ipca_dropout": 0.5,
                                       "window_length": window})
    legacy = render(tiny_generator, compose_identity(GIRL.description, STYLE), settings)
    pieces = compose_prefix([GIRL], STYLE)
    assert len(pieces) == 2  # the character with its comma, then the style: two spans, one text
    assert equal(render(tiny_generator, pieces, settings), legacy)
    assert equal(render(tiny_generator, pieces, settings, presence=[["girl"]] * 3), legacy)  # everyone, by name
    nobody = render(tiny_generator, pieces, settings, presence=[["girl"], [], ["girl"]])
    assert equal({0: nobody[0], 2: nobody[2]}, {0: legacy[0], 2: legacy[2]})  # per row: the others are untouched
    assert not np.allclose(nobody[1], legacy[1], atol=1e-4)  # hiding the character does change its frame


class AttentionRecorder:
    """Stands in for `torch.nn.functional` in generator.ipca and records every masked (conditional) call."""

    def __init__(self):
        self.calls = []

    def attention(self, query, key, value, attn_mask=None, **kwargs):
        if attn_mask is not None:
            self.calls.append((query.clone(), key.clone(), attn_mask.clone()))
        return torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask, **kwargs)


def spans(layout, presence):
    """(boosted columns, hidden columns) a frame showing `presence` must get."""
    shown = {0} | {c for owner, span in layout.owners if owner is None or owner in presence for c in span}
    hidden = {c for owner, span in layout.owners if owner is not None and owner not in presence for c in span}
    return shown, hidden


@pytest.mark.parametrize("ipca, batch", [("fast", 3), ("fast", 1), ("reference", 3)])
def test_absent_characters_get_exactly_zero_attention_in_every_conditional_call(tiny_generator, monkeypatch, ipca,
                                                                                batch):
    pieces = compose_prefix([GIRL, DOG, CAT], STYLE)
    presence = [["girl", "dog"], ["dog"], []]
    settings = FAST.model_copy(update={"ipca": ipca, "batch_size": batch})
    recorder = AttentionRecorder()
    monkeypatch.setattr(ipca_module, "F", SimpleNamespace(scaled_dot_product_attention=recorder.attention))
    render(tiny_generator, pieces, settings, presence)
    layouts, _ = tiny_generator.layouts(pieces, FRAMES, settings)
    layers = len([n for n in tiny_generator.pipe.unet.attn_processors if n.endswith("attn2.processor")])
    assert len(recorder.calls) == settings.steps * layers * math.ceil(3 / batch)  # every call of every step
    rows = [list(range(i, min(i + batch, 3))) for i in range(0, 3, batch)]
    for number, (query, key, mask) in enumerate(recorder.calls):
        frames = rows[number // (settings.steps * layers)]
        logits = query @ key.transpose(-1, -2) / math.sqrt(query.shape[-1]) + mask  # [R, h, Nq, Nk]
        weights = torch.softmax(logits, dim=-1)  # reference: Nk = 154, the frame's block then the stored one
        for row, frame in enumerate(frames):
            shown, hidden = spans(layouts[frame], presence[frame])
            columns = sorted(hidden | ({77 + c for c in hidden} if ipca == "reference" else set()))
            assert hidden and weights[row][..., columns].sum() == 0  # exactly: exp(−inf) is 0
            assert weights[row].sum(-1).allclose(torch.ones(()))
            if ipca == "fast":
                bias = mask[row if mask.shape[0] > 1 else 0, 0, 0, :77]
                assert set(torch.nonzero(bias == torch.tensor(math.log(2.0))).flatten().tolist()) == shown
                assert set(torch.nonzero(bias == -math.inf).flatten().tolist()) == hidden
            else:
                stored = mask[row, 0, 0, 77:]
                assert set(torch.nonzero(stored == 0).flatten().tolist()) == shown
                assert set(torch.nonzero(mask[row, 0, 0, :77] == -math.inf).flatten().tolist()) == hidden


def frame_rows(generator, pieces, frames, presence, settings):
    """The conditional prompt embeddings each frame is denoised with (after SVR), and the layouts."""
    layouts, windows = generator.layouts(pieces, frames, settings)
    cache = EmbeddingCache(generator.pipe, settings, guidance=True)
    absent = [layout.hidden(p) if settings.absent == "suppress" else ()
              for layout, p in zip(layouts, presence, strict=True)]
    rows = [cache.frame(layouts[i], windows[i].index(i), settings, absent[i])[0][0] for i in range(len(frames))]
    return rows, layouts, windows


@pytest.mark.parametrize("absent", ["mask", "suppress"])
def test_a_characters_rows_are_bit_identical_in_every_frame_and_window_it_appears_in(tiny_generator, absent):
    frames = [f"scene {i}: the girl walks past a tall lighthouse on a rocky shore with many seagulls" for i in range(5)]
    presence = [["girl", "dog"], ["dog"], ["girl"], [], None]
    settings = FAST.model_copy(update={"window_length": 3, "absent": absent})
    pieces = compose_prefix([GIRL, DOG], STYLE)
    rows, layouts, windows = frame_rows(tiny_generator, pieces, frames, presence, settings)
    assert len({tuple(w) for w in windows}) == 5  # sliding windows: five different consolidated prompts
    for owner, span in layouts[0].owners:
        showing = [i for i, p in enumerate(presence) if owner is None or p is None or owner in p]
        assert all(torch.equal(rows[i][span.start : span.stop], rows[showing[0]][span.start : span.stop])
                   for i in showing)
        assert all(layout.owners == layouts[0].owners for layout in layouts)  # the same spans in every window
    if absent == "suppress":  # the girl's rows are weakened where she is absent (frame 2), and only there
        girl = dict(layouts[0].owners)["girl"]
        assert not torch.equal(rows[1][girl.start : girl.stop], rows[0][girl.start : girl.stop])


def test_the_guard_a_prefix_that_changed_per_frame_would_change_later_characters_rows(tiny_generator):
    """Why the whole cast stays in every frame's text: under causal encoders the dog's rows read the girl's."""
    settings = FAST
    other_girl = GIRL.model_copy(update={"description": "a tall girl with short black hair and a green coat"})
    rows, layouts, _ = frame_rows(tiny_generator, compose_prefix([GIRL, DOG], STYLE), FRAMES[:1], [None], settings)
    changed, moved, _ = frame_rows(tiny_generator, compose_prefix([other_girl, DOG], STYLE), FRAMES[:1], [None],
                                   settings)
    style, dog, moved_dog = layouts[0].owners[0][1], dict(layouts[0].owners)["dog"], dict(moved[0].owners)["dog"]
    assert len(dog) == len(moved_dog)
    assert torch.equal(rows[0][style.start : style.stop], changed[0][style.start : style.stop])  # before: the same
    assert not torch.equal(rows[0][dog.start : dog.stop], changed[0][moved_dog.start : moved_dog.stop])


def test_a_frame_renders_the_same_alone_or_in_a_batch_with_frames_of_other_casts(tiny_generator):
    pieces = compose_prefix([GIRL, DOG], STYLE)
    together = render(tiny_generator, pieces, FAST, PRESENCE)
    for index in range(3):
        alone = render(tiny_generator, pieces, FAST.model_copy(update={"batch_size": 1}), PRESENCE, frames=FRAMES)
        assert np.allclose(alone[index], together[index], atol=1e-5)
    single = tiny_generator.render(pieces, FRAMES, FAST, frames=[1], presence=PRESENCE, output_type="np")
    assert np.allclose(single[1], together[1], atol=1e-5)


def test_changing_one_frames_presence_leaves_the_other_frames_identical(tiny_generator):
    pieces = compose_prefix([GIRL, DOG], STYLE)
    before = render(tiny_generator, pieces, FAST, PRESENCE)
    after = render(tiny_generator, pieces, FAST, [None, ["girl", "dog"], []])  # the same texts
    assert equal({0: after[0], 2: after[2]}, {0: before[0], 2: before[2]})
    assert not np.allclose(after[1], before[1], atol=1e-4)


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_fast_equals_reference_with_absent_characters(tiny_generator, dropout):
    pieces = compose_prefix([GIRL, DOG, CAT], STYLE)
    presence = [["girl", "cat"], ["dog"], []]
    settings = FAST.model_copy(update={"ipca_dropout": dropout})
    fast = render(tiny_generator, pieces, settings, presence)
    assert equal(fast, render(tiny_generator, pieces, settings.model_copy(update={"ipca": "reference"}), presence),
                 atol=1e-5)
    assert not equal(fast, render(tiny_generator, pieces, settings), atol=1e-4)  # presence matters


def test_absent_suppress_changes_only_frames_with_someone_absent(tiny_generator):
    pieces = compose_prefix([GIRL, DOG], STYLE)
    masked = render(tiny_generator, pieces, FAST, PRESENCE)
    suppressed = render(tiny_generator, pieces, FAST.model_copy(update={"absent": "suppress"}), PRESENCE)
    assert np.array_equal(suppressed[0], masked[0])  # everyone is in frame 1: nothing to weaken
    assert not np.allclose(suppressed[1], masked[1], atol=1e-4)
