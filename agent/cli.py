"""`python -m agent plan|revise|render|export`: the story agent from a shell.

Results go to stdout (JSON for `plan` without --out, one path per line for `render`/`export`), errors to
stderr. Exit codes a script can rely on:

    0  done
    1  a Storyloom error (bad story file, missing model, ...); the message says what to do
    2  bad command line (argparse)
    3  `revise` needs clarification: the question is printed and the story is unchanged
    4  the render was interrupted (Ctrl-C); finished frames are saved
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import StoryError, error_line

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_QUESTION, EXIT_INTERRUPTED = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m agent", description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="plan a story from an idea")
    plan.add_argument("--idea", required=True, help="the story idea, any language")
    plan.add_argument("--frames", type=int, help="number of frames, 1-12 (default 4-6)")
    plan.add_argument("--style", help="storybook, comic, anime, photo, painting, pixel, 3d, sketch or none")
    plan.add_argument("--out", type=Path, help="story file to write (default: print the JSON)")
    plan.add_argument("--no-llm", action="store_true", help="plan without the language model")
    revise = commands.add_parser("revise", help="apply a revision message to a story file")
    revise.add_argument("story", type=Path)
    revise.add_argument("--message", required=True)
    revise.add_argument("--no-llm", action="store_true", help="explicit commands and heuristics only")
    render = commands.add_parser("render", help="render the frames that need it")
    render.add_argument("story", type=Path)
    render.add_argument("--model", help="tiny | SDXL folder | hub id | storyboard (default: STORY_IMAGE_MODEL)")
    render.add_argument("--frames", help="comma-separated 1-based frame numbers to render (default: those needed)")
    export = commands.add_parser("export", help="export a story")
    export.add_argument("story", type=Path)
    export.add_argument("--format", required=True, choices=["zip", "pdf", "gif", "page", "md", "json", "png",
                                                            "strip", "all"])
    export.add_argument("--out", type=Path, required=True, help="output folder")
    export.add_argument("--layout", default="grid", choices=["grid", "row", "column"], help="comic page layout")
    return parser


def _session(args, *, no_llm: bool = False, model: str | None = None):
    from agent.session import NO_LLM, ImageModel, StorySession

    config = args.config
    provider = None
    if model == "storyboard":
        provider = lambda: None  # noqa: E731
    elif model:
        provider = ImageModel.shared(model, memory=config.gpu_memory, vae=config.vae or None,
                                     speed=config.speed).require
    return StorySession.open(args.story, llm=NO_LLM if no_llm else None, generator_provider=provider, config=config)


def _plan(args) -> int:
    from language.planner import plan_story
    from llm.chat import default_llm

    llm = None
    if not args.no_llm:
        try:
            llm = default_llm(args.config)
        except StoryError as error:
            logging.getLogger(__name__).warning("planning without the language model: %s", error)
    story, _ = plan_story(args.idea, llm, frames=args.frames, style=args.style, small_llm=args.config.small_llm)
    if args.out is None:
        sys.stdout.write(story.to_json() + "\n")
        return EXIT_OK
    from agent.session import NO_LLM, StorySession

    session = StorySession(args.out.parent, story, llm=NO_LLM, story_file=args.out.name)
    session.save()
    sys.stdout.write(f"{args.out}\n")
    return EXIT_OK


def _revise(args) -> int:
    session = _session(args, no_llm=args.no_llm)
    reply = session.revise(args.message)
    sys.stdout.write(reply.text + "\n" + "".join(f"  - {choice}\n" for choice in reply.choices))
    return EXIT_QUESTION if reply.question else EXIT_OK


def _render(args) -> int:
    session = _session(args, model=args.model)
    frames = None
    if args.frames:
        try:
            frames = [int(part) - 1 for part in args.frames.split(",") if part.strip()]
        except ValueError as error:
            raise StoryError(f"--frames takes 1-based numbers separated by commas, not {args.frames!r}.") from error
    try:
        reply = session.render(frames)
    except KeyboardInterrupt:
        session.cancel()
        return EXIT_INTERRUPTED
    sys.stderr.write(reply.text + "\n")
    for index in reply.changed:
        sys.stdout.write(f"{session.frame_image(index)}\n")
    return EXIT_OK


def _export(args) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise StoryError(f"--out names a folder to write the export into, but {args.out} is a file. "
                         "Name a new or existing folder.")
    session = _session(args, no_llm=True, model="storyboard")
    for path in session.export(args.format, args.out, layout=args.layout):
        sys.stdout.write(f"{path}\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    handlers = {"plan": _plan, "revise": _revise, "render": _render, "export": _export}
    try:
        from core.config import Config

        args.config = Config.from_env()  # every STORY_* setting, read once
        return handlers[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:  # one line a person can act on; the traceback only with -v
        log = logging.getLogger(__name__)
        sys.stderr.write(error_line(error, log, logging.INFO, hint="run again with -v to see where") + "\n")
        return EXIT_ERROR

