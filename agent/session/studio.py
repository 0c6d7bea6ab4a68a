"""Studio: what the app holds once per process, and its one way to stories.

The configuration (from `.env` and the environment), the image model every chat shares, the start-up checks
and what they found, and the stories folder. The UI asks the studio for a new or saved `StorySession` and
never loads a model, reads the configuration or imports the engine itself.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from agent.session.models import STORYBOARD_NOTICE, TEST_MODEL_NOTICE, ImageModel, check_language_model
from agent.session.story_session import StorySession
from core.config import Config
from core.errors import StoryError

log = logging.getLogger(__name__)


class Studio:
    """The app's models, checks and stories. Cheap to build: nothing is loaded until `warm_up` or a render."""

    def __init__(self, config: Config | None = None, *, image_model: ImageModel | None = None,
                 session_class: type[StorySession] = StorySession, llm=None):
        self.config = config or Config.from_env()
        self.stories_dir = Path(self.config.data_dir).resolve()
        self.image_model = image_model or ImageModel.from_config(self.config)
        self.problems: list[str] = []  # what the start-up checks found, in words for the person
        self.checked = threading.Event()  # set once the model checks are over
        self._session_class = session_class
        self._llm = llm  # None: the configured language model; agent.session.NO_LLM: none

    # --- stories -------------------------------------------------------------------------------------
    def new_story(self) -> StorySession:
        return self._session_class.create(self.stories_dir, llm=self._llm, generator_provider=self.image_model.get,
                                          config=self.config)

    def open_story(self, story_id: str) -> StorySession:
        """A saved story by id (the folder name under the stories folder)."""
        folder = (self.stories_dir / story_id).resolve()
        if folder.parent != self.stories_dir:
            raise StoryError(f"No story called {story_id!r} here.")
        return self._session_class.open(folder, llm=self._llm, generator_provider=self.image_model.get,
                                        config=self.config)

    def clean_up(self) -> int:
        """Remove the temporary files that killed writers left in every story folder (run at start); returns how
        many went. Story folders reached through a link are left alone."""
        from storage.files import remove_stale_temp_files

        try:
            folders = [entry for entry in self.stories_dir.iterdir() if entry.is_dir() and not entry.is_symlink()]
        except OSError:
            return 0
        return sum(remove_stale_temp_files(folder) for folder in folders)

    # --- models and checks ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load what the first request would otherwise wait for, and note every problem (run off the event
        loop: it takes seconds, minutes for a large image model)."""
        from generator.tokens import load_clip_tokenizer
        from language.revise import warm_up

        load_clip_tokenizer()  # before the image model, which imports transformers in this thread
        try:
            warm_up()  # spaCy and the readers off the request path: the first request is then read in milliseconds
        except StoryError as error:
            self.problems.append(str(error))
        self.image_model.get()
        if self._llm is None:
            from llm.chat import default_llm

            if problem := check_language_model(lambda: default_llm(self.config)):
                self.problems.append(problem)
                log.error(problem)
        self.checked.set()

    def all_problems(self) -> list[str]:
        """Every problem found so far: the start-up checks', and the image model's if it failed to load."""
        return self.problems + ([self.image_model.problem] if self.image_model.problem else [])

    def notices(self) -> list[str]:
        """What every new chat is told about the models (storyboard mode, broken models)."""
        models = [] if self.image_model.configured else [STORYBOARD_NOTICE]
        return self.all_problems() + models + ([TEST_MODEL_NOTICE] if self.image_model.is_test_model else [])

    @staticmethod
    def reads_as_revision(message: str) -> bool:
        """Whether `message`, sent where there is no story, reads as a change to one (`agent.session.intent`);
        a reader that fails plans the message as an idea, as before there was this question."""
        from agent.session.intent import reads_as_revision

        try:
            return reads_as_revision(message)
        except Exception:
            log.exception("could not tell whether %r is a revision", message[:80])
            return False

    def health(self) -> dict:
        """The state /health shows a logged-in user; never blocks on a render."""
        return {
            "models_checked": self.checked.is_set(),
            "image_model": self.image_model.name or "storyboard",
            "problems": self.all_problems(),
        }
