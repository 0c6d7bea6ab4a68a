"""A cast's prompt layout, token budget, per-row IPCA bias and dropout, input checks, and the CLI and manifest
(cast_design.md (c), failure modes 7, 8, 10, 11)."""

import json
import math

import numpy as np
import pytest
import torch
from PIL import Image

from core.cast import Character, compose_prefix
from core.errors import CastTooLongError, InvalidStoryError
from core.styles import compose_identity
from generator import GenerationSettings
from generator.cli import main
from generator.engine import plan_layouts
from generator.ipca import LN2, IpcaRun, hidden_columns
from generator.manifest import RenderManifest
from generator.tokens import consolidate, content_token_ids

BO = Character(id="bo", name="Bo", handle="the dog", description="Bo, a small black dog")
BOB = Character(id="bob", name="Bob", handle="the man", description="Bob, a tall man in a red coat")
GIRL = Character(id="girl", handle="the girl", description="a girl with red braids and a yellow raincoat")


@pytest.mark.parametrize("style", ["storybook", "none", "a moody ink wash, grey paper"])
def test_a_cast_of_one_is_the_identity_prompt_text_and_tokens(clip_tokenizer, style):
    pieces = compose_prefix([GIRL], style)
    legacy = consolidate(clip_tokenizer, compose_identity(GIRL.description, style), ["walks in the rain"])
    layout = consolidate(clip_tokenizer, pieces, ["walks in the rain"])
    assert layout.text == legacy.text and layout.identity == legacy.identity and layout.frames == legacy.frames


def test_spans_are_exact_when_frames_repeat_words_and_names_prefix_each_other(clip_tokenizer):
    pieces = compose_prefix([BOB, BO], "storybook")
    frames = ["Bo, a small black dog chases Bob", "Bob, a tall man in a red coat, and Bo, a small black dog"]
    layouts, _ = plan_layouts(clip_tokenizer, pieces, frames, window_length=10)
    alone = consolidate(clip_tokenizer, pieces, [])
    covered = [c for _, span in alone.owners for c in span]
    assert covered == list(range(1, alone.identity.stop))  # disjoint, in order, covering 1..L
    for layout in layouts:
        assert layout.owners == alone.owners and layout.characters == ("bob", "bo")
    ids = content_token_ids(clip_tokenizer, layouts[0].text)
    bo = dict(alone.owners)["bo"]
    assert ids[bo.start - 1 : bo.stop - 1] == content_token_ids(clip_tokenizer, pieces[2].text)


def test_the_cast_budget_names_the_cast_and_never_cuts(clip_tokenizer):
    long = [Character(id=f"c{i}", handle=f"the {kind}", description=f"a {kind} with a long striped woollen scarf, "
                      "round glasses and a tiny brass bell") for i, kind in enumerate(["girl", "dog", "cat"])]
    with pytest.raises(CastTooLongError, match=r"the girl: \d+, the dog: \d+, the cat: \d+") as error:
        plan_layouts(clip_tokenizer, compose_prefix(long, "storybook"), ["a walk"], window_length=10)
    assert error.value.token_count > error.value.budget == 45 and "the style" in str(error.value)
    two = compose_prefix(long[:2], "none")  # 2 × 20 tokens: fits, and every window then holds frames
    layouts, windows = plan_layouts(clip_tokenizer, two, ["walking home in the rain"] * 4, window_length=10)
    assert all(len(w) >= 2 for w in windows) and all(layout.content_length <= 75 for layout in layouts)
    one = [long[0].model_copy(update={"description": "a girl " + "with a very long scarf " * 9})]
    plan_layouts(clip_tokenizer, compose_prefix(one, "none"), ["walks"], 10)  # one character: the reference's rule


def test_hidden_columns_and_the_row_bias():
    assert hidden_columns(6, [(), ()]) is None  # nobody hidden: the single-identity path
    mask = hidden_columns(6, [(range(2, 4),), ()])
    assert mask[0].tolist() == [0, 0, -math.inf, -math.inf, 0, 0] and mask[1].eq(0).all()
    run = IpcaRun(identity_columns=6)
    run.showing(mask)
    bias = run.conditional_bias(2, 3, 10, torch.float32, "cpu")
    assert bias.shape == (2, 1, 1, 10)
    assert bias[0, 0, 0].tolist() == pytest.approx([LN2, LN2, -math.inf, -math.inf, LN2, LN2, 0, 0, 0, 0])
    assert bias[1, 0, 0, :6].eq(LN2).all() and run.conditional_bias(2, 3, 10, torch.float32, "cpu") is bias


def test_dropout_keep_masks_do_not_depend_on_presence():
    def bias(hidden):
        run = IpcaRun(identity_columns=8, dropout=0.5, generators=[torch.Generator().manual_seed(s) for s in (1, 2)])
        run.showing(hidden)
        return run.conditional_bias(2, 16, 12, torch.float32, "cpu")

    everyone, absent = bias(None), bias(hidden_columns(8, [(range(3, 6),), ()]))
    shown = [0, 1, 2, 6, 7]
    assert torch.equal(absent[0, 0, :, shown], everyone[0, 0, :, shown])  # the same draws, whoever is absent
    assert torch.equal(absent[1], everyone[1]) and absent[0, 0, :, 3:6].eq(-math.inf).all()


@pytest.mark.parametrize("presence, message", [
    ([None, ["cat"]], "names cat"),
    ([None], "for 2 frame"),
])
def test_bad_presence_gets_clear_errors(tiny_generator, presence, message):
    with pytest.raises(InvalidStoryError, match=message):
        tiny_generator.render(compose_prefix([GIRL, BO], "none"), ["a", "b"], GenerationSettings(steps=1),
                              presence=presence)
    with pytest.raises(InvalidStoryError, match="do not describe"):
        tiny_generator.render("a red fox", ["a", "b"], GenerationSettings(steps=1), presence=[["fox"], None])


CLI = ["--model", "tiny", "--steps", "2", "--size", "64", "--style", "storybook",
       "--character", "the girl=a girl with red braids", "--character", "the dog=a small black dog",
       "--frame_prompt_list", "the girl and the dog walk home", "the dog sleeps", "an empty beach",
       "--frame_cast", "the girl,dog", "the dog", "none"]


def test_the_cli_renders_a_cast_and_its_manifest_rerenders_it_exactly(tmp_path):
    assert main([*CLI, "--out", str(tmp_path / "run")]) == 0
    manifest = RenderManifest.read(tmp_path / "run" / "manifest.json")
    assert [c.handle for c in manifest.cast] == ["the girl", "the dog"] and manifest.style == "storybook"
    assert manifest.presence == [["the-girl", "the-dog"], ["the-dog"], []]
    assert [p.character for p in manifest.identity_pieces] == [None, "the-girl", "the-dog"]
    assert RenderManifest.model_validate_json(manifest.model_dump_json()) == manifest
    assert main(["--manifest", str(tmp_path / "run" / "manifest.json"), "--out", str(tmp_path / "again")]) == 0
    for i in (1, 2, 3):
        first = np.asarray(Image.open(tmp_path / "run" / f"frame_{i:02d}.png"))
        assert np.array_equal(first, np.asarray(Image.open(tmp_path / "again" / f"frame_{i:02d}.png")))


def test_a_stories_file_may_give_a_cast(tmp_path):
    story = {"cast": [{"handle": "the girl", "description": "a girl in a red coat", "name": "Mia"},
                      {"handle": "the crow", "description": "a black crow"}],
             "frame_cast": [None, ["the crow"]], "style": "comic", "frame_prompt_list": ["the girl waves", "a crow"]}
    (tmp_path / "stories.json").write_text(json.dumps({"combinations": [story]}))
    assert main(["--model", "tiny", "--steps", "1", "--size", "64", "--json_path", str(tmp_path / "stories.json"),
                 "--out", str(tmp_path / "out")]) == 0
    manifest = RenderManifest.read(tmp_path / "out" / "00" / "manifest.json")
    assert manifest.presence == [None, ["the-crow"]] and manifest.cast[0].name == "Mia"


@pytest.mark.parametrize("extra, message", [
    (["--id_prompt", "a fox"], "either an identity prompt or a cast"),
    (["--frame_cast", "the cat", "all", "all"], "not a character of the cast"),
    (["--frame_cast", "all"], "one frame cast per frame"),
])
def test_cli_cast_mistakes_get_clear_messages(tmp_path, capsys, extra, message):
    assert main([*CLI, *extra, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_a_character_flag_without_a_description_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--character", "no description"])
    assert stopped.value.code == 2 and "--character must look like" in capsys.readouterr().err


def test_the_contact_sheet_runs_on_the_tiny_model(tmp_path):
    from bench.cast_sheet import main as cast_sheet

    cast_sheet(["--model", "tiny", "--steps", "1", "--size", "64", "--tile", "32", "--stories", "girl and dog",
                "--variants", "mask", "everyone", "--out", str(tmp_path / "sheet.png")])
    assert Image.open(tmp_path / "sheet.png").size[1] == 2 * (32 + 28 + 8)  # two rows: mask, everyone
