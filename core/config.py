"""Every `STORY_*` setting, read once from the environment and `.env` into one model that is passed down.

`.env` is read when `Config.from_env()` is called (never at import); real environment variables win. Nothing
else in the project reads `STORY_*` variables: the session, the engine loader, the LLM seam and the app get their
values from a `Config`.

    STORY_LLM_GGUF        path to a GGUF chat model; empty = the embedded SmolLM2-135M-Instruct (no download)
    STORY_LLM_CTX         context length in tokens (default 4096, enough for every prompt in prompts/)
    STORY_LLM_THREADS     CPU threads for llama.cpp (0 = llama-cpp-python's own choice)
    STORY_LLM_GPU_LAYERS  layers offloaded to a GPU build of llama.cpp (default 0)
    STORY_SMALL_LLM       1 lets the embedded 135M model rephrase plans (off: it adds nothing measurable)
    STORY_IMAGE_MODEL     empty = storyboard cards; "tiny" = random-weight test model; an SDXL folder or hub id
    STORY_GPU_MEMORY      auto (default), full, balanced or low
    STORY_VAE             a separate VAE folder (e.g. the fp16-fix SDXL VAE); empty = the model's own
    STORY_SPEED           1 = fused QKV, channels-last and regional torch.compile
    STORY_DATA_DIR        where stories are saved (default ./stories)
    STORY_CHAT_DIR        chat history database and files (default $STORY_DATA_DIR/_chat)
    STORY_USERNAME, STORY_PASSWORD   the local login of the chat app
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import StoryError

_TRUE = ("1", "true", "yes", "on")


class Config(BaseModel):
    """The process's settings; see the module docstring for the environment variables."""

    model_config = ConfigDict(extra="forbid")

    llm_gguf: str = Field("", description="GGUF path; empty = embedded SmolLM2-135M")
    llm_context: int = Field(4096, ge=512, le=131072)
    llm_threads: int = Field(0, ge=0, description="0 = llama-cpp-python's default")
    llm_gpu_layers: int = Field(0, ge=-1)
    small_llm: bool = False
    image_model: str = Field("", description="empty = storyboard cards")
    gpu_memory: Literal["auto", "full", "balanced", "low"] = "auto"
    vae: str = ""
    speed: bool = False
    data_dir: Path = Path("stories")
    chat_dir: Path | None = None
    username: str = "storyloom"
    password: str = ""

    @property
    def chat_folder(self) -> Path:
        """Where the chat history lives: `chat_dir`, else `<data_dir>/_chat`."""
        return (self.chat_dir or Path(self.data_dir) / "_chat").resolve()

    @classmethod
    def from_env(cls, env_file: str | os.PathLike | None = ".env") -> Config:
        """Read the settings, loading `env_file` first when it exists (environment variables take precedence)."""
        if env_file and Path(env_file).is_file():
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        env = {key: value.strip() for key, value in os.environ.items() if key.startswith("STORY_")}
        try:
            return cls(
                llm_gguf=env.get("STORY_LLM_GGUF", ""),
                llm_context=int(env.get("STORY_LLM_CTX") or 4096),
                llm_threads=int(env.get("STORY_LLM_THREADS") or 0),
                llm_gpu_layers=int(env.get("STORY_LLM_GPU_LAYERS") or 0),
                small_llm=env.get("STORY_SMALL_LLM", "").lower() in _TRUE,
                image_model=env.get("STORY_IMAGE_MODEL", ""),
                gpu_memory=env.get("STORY_GPU_MEMORY") or "auto",
                vae=env.get("STORY_VAE", ""),
                speed=env.get("STORY_SPEED", "").lower() in _TRUE,
                data_dir=Path(env.get("STORY_DATA_DIR") or "stories"),
                chat_dir=Path(env["STORY_CHAT_DIR"]) if env.get("STORY_CHAT_DIR") else None,
                username=env.get("STORY_USERNAME") or "storyloom",
                password=os.environ.get("STORY_PASSWORD", ""),
            )
        except (ValueError, ValidationError) as error:
            first = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
            raise StoryError(f"A STORY_* setting in the environment or .env is not valid: {first}") from error
