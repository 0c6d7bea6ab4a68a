"""The render manifest: everything needed to re-render a story's images exactly (prompts, the cast and who is in
each frame, seeds, model and its weight fingerprints, every method setting, library versions)."""

import json
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from core.cast import Character, IdentityPiece
from core.settings import GenerationSettings

MANIFEST_VERSION = 1
LIBRARIES = ("storyloom", "torch", "diffusers", "transformers", "accelerate")


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


class ModelRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str
    is_test_model: bool = False
    scheduler: str = ""
    dtype: str = ""
    fingerprints: dict[str, str] = Field(default_factory=dict)


class RenderManifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    manifest_version: int = MANIFEST_VERSION
    identity_prompt: str = Field(description="the identity prompt, or a cast's whole prefix as one text")
    frame_prompts: list[str]
    identity_pieces: list[IdentityPiece] = Field(default_factory=list, description="a cast's prefix as sent")
    presence: list[list[str] | None] | None = Field(None, description="per frame, its characters' ids")
    cast: list[Character] = Field(default_factory=list, description="the characters (names and handles)")
    style: str = Field("", description="the style the cast's prefix was composed with")
    settings: GenerationSettings
    seeds: dict[int, int] = Field(default_factory=dict, description="per-frame seed overrides")
    model: ModelRecord | None = None
    windows: list[list[int]] = Field(default_factory=list, description="frame indices of each frame's window")
    images: list[str] = Field(default_factory=list, description="one file per frame, in order")
    strip: str | None = None
    versions: dict[str, str] = Field(default_factory=library_versions)
    created: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def identity(self) -> str | list[IdentityPiece]:
        """What the engine receives: the cast's pieces as they were sent, else the identity prompt."""
        return list(self.identity_pieces) or self.identity_prompt

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> "RenderManifest":
        from pydantic import ValidationError

        from core.errors import InvalidStoryError

        try:
            text = Path(path).read_text(encoding="utf-8")
            return cls.model_validate_json(text)
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidStoryError(f"Cannot read the manifest {path}: {error}") from error
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the file"
            raise InvalidStoryError(
                f"{path} is not a Storyloom render manifest ({where}: {first['msg'].split(':')[0]}). Use the "
                "manifest.json that a render wrote next to its frames."
            ) from None
