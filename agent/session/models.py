"""The model registry: the image model every chat shares (loaded once per process) and the language-model check.

A broken or missing model never stops the app: a bad image model falls back to storyboard cards, a bad GGUF
is reported in every new chat (and again on the failing request), each time with what to fix.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from core.config import Config
from core.errors import ModelNotFoundError, StoryError
from core.story import TEST_MODEL

log = logging.getLogger(__name__)

STORYBOARD_NOTICE = (
    "No image model is configured (`STORY_IMAGE_MODEL` is empty in `.env`), so frames are drawn as "
    "**storyboard cards** with their text. Set `STORY_IMAGE_MODEL` to an SDXL folder and restart to render pictures."
)

TEST_MODEL_NOTICE = (
    "The image model is the built-in **test model** (`STORY_IMAGE_MODEL=tiny`): its weights are random, so every "
    "picture is noise and is labelled as a random-weight test image. Set `STORY_IMAGE_MODEL` to an SDXL folder and "
    "restart to render real pictures."
)


class ImageModel:
    """One configured image model, loaded on first use behind a lock; None means storyboard cards.

    ``loader`` is ``StoryGenerator.load`` by default. A load failure is remembered (``problem``) and the app
    continues with storyboard cards rather than failing every render the same way. ``ImageModel.shared(name)``
    is the process's one instance per model name (the app, the CLI and every session use it).
    """

    _registry: dict[tuple, ImageModel] = {}
    _registry_lock = threading.Lock()

    @classmethod
    def shared(cls, name: str, **options) -> ImageModel:
        """The process's one instance for `name` with these load options (memory, vae, speed)."""
        key = (name, *sorted(options.items()))
        with cls._registry_lock:
            if key not in cls._registry:
                cls._registry[key] = cls(name, options=options)
            return cls._registry[key]

    @classmethod
    def from_config(cls, config: Config) -> ImageModel:
        """The shared model the settings name, with their GPU memory mode, VAE and speed mode."""
        return cls.shared(config.image_model, memory=config.gpu_memory, vae=config.vae or None, speed=config.speed)

    def __init__(self, name: str, loader: Callable[..., object] | None = None, options: dict | None = None):
        self.name = name
        self._loader = loader
        self._options = dict(options or {})
        self._lock = threading.Lock()
        self._generator: object | None = None
        self._tried = False
        self.problem: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.name)

    @property
    def is_test_model(self) -> bool:
        """The built-in random-weight test model: its pictures are noise, and say so wherever they are shown."""
        return self.name == TEST_MODEL

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
            from language.tools import loading

            with loading():  # not while spaCy is being imported: torch is kept out of sys.modules meanwhile
                from generator import StoryGenerator

            loader = StoryGenerator.load
        try:
            generator = loader(self.name, **self._options)
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

