"""Both command lines answer bad input with one error line on stderr and an exit code, never a traceback (issue 15,
item 15): story files nested 100,000 deep, a schema_version that is a text, an export folder that is a file, a
stories file for the generator that holds no stories."""

from __future__ import annotations

import json

import pytest

from agent.cli import EXIT_ERROR
from agent.cli import main as agent_main
from generator.cli import main as generator_main
from language.planner import plan_story


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def story_file(tmp_path):
    story, _ = plan_story("A red fox finds a lantern in the snow.", None, frames=3)
    path = tmp_path / "fox.json"
    path.write_text(story.to_json())
    return path


@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, '{"a": ' * 100_000 + "1" + "}" * 100_000])
def test_a_story_file_nested_too_deep_is_one_line(tmp_path, capsys, content):
    path = tmp_path / "deep.json"
    path.write_text(content)
    for command in (["revise", str(path), "--message", "frame 1 + at night", "--no-llm"],
                    ["export", str(path), "--format", "md", "--out", str(tmp_path / "out")]):
        assert agent_main(command) == EXIT_ERROR
        assert "nested far too deeply" in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("version", ["1", 1.5, None, True, [1]])
def test_a_schema_version_that_is_no_whole_number_is_one_line(story_file, capsys, version):
    data = json.loads(story_file.read_text())
    data["schema_version"] = version
    story_file.write_text(json.dumps(data))
    assert agent_main(["revise", str(story_file), "--message", "undo", "--no-llm"]) == EXIT_ERROR
    assert "schema_version must be a whole number" in one_error_line(capsys.readouterr().err)


def test_an_export_into_an_existing_file_is_one_line(story_file, tmp_path, capsys):
    existing = tmp_path / "taken.txt"
    existing.write_text("mine")
    assert agent_main(["export", str(story_file), "--format", "md", "--out", str(existing)]) == EXIT_ERROR
    assert "is a file" in one_error_line(capsys.readouterr().err)
    assert existing.read_text() == "mine"


def test_an_unexpected_failure_is_one_line_and_names_its_kind(story_file, capsys, monkeypatch):
    from agent.session import StorySession

    def broken(self, *args, **kwargs):
        raise RuntimeError("something\nnobody foresaw")

    monkeypatch.setattr(StorySession, "revise", broken)
    assert agent_main(["revise", str(story_file), "--message", "undo", "--no-llm"]) == EXIT_ERROR
    assert one_error_line(capsys.readouterr().err) == (
        "error: unexpected RuntimeError: something nobody foresaw (run again with -v to see where)")


@pytest.mark.parametrize("content", ["[" * 100_000, json.dumps({"combinations": [1, 2]}),
                                     json.dumps({"combinations": "fox"})])
def test_the_generator_answers_a_bad_stories_file_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "stories.json"
    path.write_text(content)
    assert generator_main(["--json_path", str(path), "--out", str(tmp_path / "out")]) == 2
    one_error_line(capsys.readouterr().err)
