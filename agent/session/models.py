"""The model registry: the image model every chat shares (loaded once per process) and the language-model check.

A broken or missing model never stops the app: a bad image model falls back to storyboard cards, a bad GGUF
is reported in every new chat (and again on the failing request), each time with what to fix.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from core.errors import ModelNotFoundError, StoryError

log = logging.getLogger(__name__)

STORYBOARD_NOTICE = (
    "No image model is configured (`STORY_IMAGE_MODEL` is empty in `.env`), so frames are drawn as "
    "**storyboard cards** with their text. Set `STORY_IMAGE_MODEL` to an SDXL folder and restart to render pictures."
)


class ImageModel:
    """One configured image model, loaded on first use behind a lock; None means storyboard cards.

    ``loader`` is ``StoryGenerator.load`` by default. A load failure is remembered (``problem``) and the app
    continues with storyboard cards rather than failing every render the same way. ``ImageModel.shared(name)``
    is the process's one instance per model name (the app, the CLI and every session use it).
    """

    _registry: dict[str, ImageModel] = {}
    _registry_lock = threading.Lock()

    @classmethod
    def shared(cls, name: str) -> ImageModel:
        with cls._registry_lock:
            if name not in cls._registry:
                cls._registry[name] = cls(name)
            return cls._registry[name]

    def __init__(self, name: str, loader: Callable[[str], object] | None = None):
        self.name = name
        self._loader = loader
        self._lock = threading.Lock()
        self._generator: object | None = None
        self._tried = False
        self.problem: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.name)

    def get(self) -> object | None:
        """The loaded generator, or None for storyboard cards (nothing configured, or it failed to load)."""
        if not self.name:
            return None
        with self._lock:
            if not self._tried:
                self._tried = True
                self._generator = self._load()
            return self._generator

    def require(self) -> object:
        """The loaded generator; the load failure as a StoryError (for the CLI, which must not fall back)."""
        generator = self.get()
        if generator is None:
            raise ModelNotFoundError(self.problem or "No image model is configured.")
        return generator

    def _load(self) -> object | None:
        loader = self._loader
        if loader is None:
            from generator import StoryGenerator

            loader = StoryGenerator.load
        try:
            generator = loader(self.name)
        except StoryError as error:
            self.problem = f"The image model `{self.name}` could not be loaded: {error}"
        except Exception as error:  # corrupt weights raise whatever the library raises
            log.exception("image model %s failed to load", self.name)
            self.problem = (
                f"The image model `{self.name}` could not be loaded ({type(error).__name__}: {error}). "
                "Check `STORY_IMAGE_MODEL` in `.env` (an SDXL diffusers folder, a hub id already in the local "
                "cache, or `tiny`)."
            )
        else:
            log.info("image model %s loaded", self.name)
            return generator
        log.warning("%s; using storyboard cards", self.problem)
        self.problem += " Until then frames are drawn as storyboard cards."
        return None


def check_language_model(llm_factory: Callable[[], object]) -> str | None:
    """Load the language model and run one tiny completion; the friendly problem, or None when it works."""
    try:
        llm = llm_factory()
        llm.complete([{"role": "user", "content": "Say OK."}], max_tokens=2)
    except StoryError as error:
        return f"The language model is not usable: {error}"
    except Exception as error:
        log.exception("language model check failed")
        return (
            f"The language model is not usable ({type(error).__name__}: {error}). "
            "Check `STORY_LLM_GGUF` in `.env`, or leave it empty for the embedded SmolLM2-135M."
        )
    return None


def default_generator_provider() -> Callable[[], object]:
    """The image model from STORY_IMAGE_MODEL (empty = storyboard), loaded once per process on first use."""
    from agent.config import AgentConfig
    return ImageModel.shared(AgentConfig.from_env().image_model).get
