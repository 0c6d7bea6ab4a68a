"""Prompt templates: text files in `prompts/` with `$name` placeholders, rendered strictly.

A template that names a variable the caller did not give fails loudly (`MissingVariablesError`), the way
simonw/llm's templates do, instead of sending a half-filled prompt to the model.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class MissingVariablesError(KeyError):
    """A template placeholder had no value."""


@cache
def load_template(name: str) -> string.Template:
    """The template `prompts/<name>.txt`."""
    return string.Template((PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8"))


def render_prompt(name: str, **variables: object) -> str:
    """Fill `prompts/<name>.txt`; every placeholder must be given (extra variables are an error too)."""
    template = load_template(name)
    wanted = set(template.get_identifiers())
    missing, extra = wanted - set(variables), set(variables) - wanted
    if missing or extra:
        raise MissingVariablesError(f"template {name!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return template.substitute({key: str(value) for key, value in variables.items()}).strip()
