"""The session room: the one way in for the UI and the CLIs.

`StorySession` is one story and the operations on it; `Studio` is what the app holds once per process (the
configuration, the shared image model, the start-up checks, the stories folder); `ImageModel` is the model
registry. Everything the UI needs besides these comes from `core`.
"""

from agent.session.models import STORYBOARD_NOTICE, TEST_MODEL_NOTICE, ImageModel, check_language_model
from agent.session.story_session import NO_LLM, StorySession
from agent.session.studio import Studio

__all__ = ["NO_LLM", "STORYBOARD_NOTICE", "TEST_MODEL_NOTICE", "ImageModel", "StorySession", "Studio",
           "check_language_model"]
