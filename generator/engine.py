"""StoryGenerator: 1Prompt1Story rendering on a stock ``StableDiffusionXLPipeline``.

Per frame j (spec §0): consolidate the identity prompt with frame j's circular window, encode it with the
pipeline's own ``encode_prompt``, apply SVR to each encoder's slice (``generator.svr``), and denoise from
the frame's seeded noise with IPCA processors on every ``attn2`` layer (``generator.ipca``). Frames are
batched; each frame draws its noise and dropout masks from its own generators, so a frame rendered alone
equals the same frame rendered with the whole story. The pipeline and UNet are never modified beyond
processors installed for the duration of one call.

A cast (``core.cast``): the identity is the cast's shared prefix, piece by piece, and each frame says who is in
it; the prefix is the same text in every window (so each character's rows are the same in every frame), and
IPCA hides the absent characters' columns row by row, so frames with different casts share a batch.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Mapping, Sequence
from contextlib import ExitStack

import torch

from core.cast import IdentityPiece, prefix_text
from core.errors import InvalidStoryError, OutOfMemoryError, RenderCancelled
from core.generator import FrameCallback, StepCallback
from core.settings import MAX_SEED, GenerationSettings
from generator.ipca import IdentityCrossAttnProcessor, IpcaRun, hidden_columns, identity_preserving_attention
from generator.request import EmbeddingCache, PipelineCall, RenderRequest
from generator.tokens import consolidate, content_token_ids
from generator.windows import check_cast_budget, circular_windows

log = logging.getLogger(__name__)

def dropout_seed(seed: int) -> int:
    """An IPCA-dropout stream independent of the noise stream drawn from the same frame seed."""
    return int.from_bytes(hashlib.sha256(f"ipca-dropout:{seed}".encode()).digest()[:8], "little")


def plan_layouts(tokenizer, identity_prompt: str | Sequence[IdentityPiece], frame_prompts: Sequence[str],
                 window_length: int):
    """The consolidated prompt of each frame: ``(layouts, windows)``; frame j is expressed in window j.

    ``identity_prompt`` is one text, or a cast's prefix piece by piece (whose style and characters must fit in
    `windows.CAST_TOKEN_BUDGET`)."""
    if isinstance(identity_prompt, str):
        identity_tokens = len(content_token_ids(tokenizer, identity_prompt))
    else:
        parts = [(p.character, p.label, len(content_token_ids(tokenizer, p.text))) for p in identity_prompt]
        check_cast_budget(parts)
        identity_tokens = sum(tokens for _, _, tokens in parts)
    frame_tokens = [len(content_token_ids(tokenizer, prompt)) for prompt in frame_prompts]
    windows = circular_windows(identity_tokens, frame_tokens, window_length)
    layouts = [consolidate(tokenizer, identity_prompt, [frame_prompts[k] for k in window]) for window in windows]
    return layouts, windows


def _identity(identity_prompt) -> str | list[IdentityPiece]:
    """The identity as one stripped text, or a cast's pieces with stripped texts."""
    if isinstance(identity_prompt, str):
        return identity_prompt.strip()
    return [piece.model_copy(update={"text": piece.text.strip()}) for piece in identity_prompt]


def _validate_presence(identity, presence, count: int) -> None:
    if presence is None:
        return
    if len(presence) != count:
        raise InvalidStoryError(f"The cast of each frame is needed: got {len(presence)} for {count} frame(s).")
    known = set() if isinstance(identity, str) else {piece.character for piece in identity} - {None}
    for index, present in enumerate(presence):
        if present is not None and (isinstance(identity, str) or set(present) - known):
            unknown = ", ".join(sorted(set(present) - known)) or "a cast"
            raise InvalidStoryError(f"Frame {index + 1} names {unknown}, which the identity pieces do not describe.")


def _validate(identity_prompt, frame_prompts, frames, seeds):
    text = identity_prompt if isinstance(identity_prompt, str) else prefix_text(identity_prompt)
    if not isinstance(text, str) or not text.strip():
        raise InvalidStoryError("The identity prompt is empty: describe the main character.")
    if not frame_prompts:
        raise InvalidStoryError("The story has no frames: add at least one frame prompt.")
    for index, prompt in enumerate(frame_prompts):
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidStoryError(f"Frame {index + 1} has an empty prompt.")
    for index in frames:
        if not 0 <= index < len(frame_prompts):
            raise InvalidStoryError(f"There is no frame {index + 1}; the story has {len(frame_prompts)} frame(s).")
    for index, seed in seeds.items():
        if not 0 <= seed <= MAX_SEED:
            raise InvalidStoryError(f"Seed {seed} for frame {index + 1} is outside 0..{MAX_SEED}.")


class StoryGenerator:
    """Loads a pipeline once and renders whole stories or single frames with 1Prompt1Story."""

    def __init__(self, pipe, model_info):
        self.pipe = pipe
        self.model_info = model_info  # the `core.generator.Generator` names below come from it
        self._lock = threading.Lock()  # one render at a time per pipeline
        self._fingerprints = None
        self.last_notice = ""  # what the last render had to change to finish (an out-of-memory fallback)
        self._run = IpcaRun(identity_columns=1)  # IPCA state, set up for each render by `rendering`
        self._processors: dict[str, dict] = {}  # IPCA mode -> layer name -> processor, reused across renders

    @classmethod
    def load(cls, model: str, *, device: str | None = None, precision: str | None = None, memory: str = "auto",
             vae: str | None = None, speed: bool = False):
        """``model``: "tiny", a local SDXL diffusers folder, or a hub id already in the local cache.

        Args:
            memory: GPU memory mode (`generator.memory`): auto | full | balanced | low (the app passes
                `Config.gpu_memory`, from STORY_GPU_MEMORY).
            vae: a separate VAE folder (e.g. the fp16-fix SDXL VAE); None = the model's own.
            speed: fused QKV + channels-last + regional torch.compile (`generator.speed`).
        """
        from generator.models import load_pipeline

        generator = cls(*load_pipeline(model, device=device, precision=precision, memory=memory, vae=vae))
        if speed:
            from generator.speed import enable_speed_mode

            enable_speed_mode(generator.pipe)
        return generator

    def lower_memory_mode(self) -> str | None:
        """Switch to the next lower memory mode; the new mode, or None when already at the lowest."""
        from generator.memory import LOWER, apply_mode

        lower = LOWER.get(self.model_info.memory_mode)
        if lower is not None:
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            apply_mode(self.pipe, lower, torch.device(self.model_info.device))
            self.model_info = self.model_info.model_copy(update={"memory_mode": lower})
        return lower

    @property
    def model_name(self) -> str:
        return self.model_info.name

    @property
    def label(self) -> str:
        return self.model_info.label

    def fingerprints(self) -> dict:
        from generator.models import weight_fingerprints

        if self._fingerprints is None:
            self._fingerprints = weight_fingerprints(self.pipe, self.model_info)
        return self._fingerprints

    def layouts(self, identity_prompt: str | Sequence[IdentityPiece], frame_prompts: Sequence[str],
                settings: GenerationSettings):
        return plan_layouts(
            self.pipe.tokenizer, _identity(identity_prompt), [p.strip() for p in frame_prompts], settings.window_length
        )

    def render(
        self,
        identity_prompt: str | Sequence[IdentityPiece],
        frame_prompts: Sequence[str],
        settings: GenerationSettings,
        frames: Sequence[int] | None = None,
        *,
        seeds: Mapping[int, int] | None = None,
        presence: Sequence[Sequence[str] | None] | None = None,
        on_step: StepCallback | None = None,
        on_frame: FrameCallback | None = None,
        cancel: threading.Event | None = None,
        output_type: str = "pil",
    ) -> dict:
        """Render ``frames`` (0-based; all when None) of the story; returns ``{frame index: image}``.

        Args:
            identity_prompt: the identity prompt, or a cast's shared prefix piece by piece (`core.cast`).
            seeds: per-frame seed overrides (a re-rolled frame); others use ``settings.seed``.
            presence: per frame of the story, the ids of the characters in it (None = everyone, [] = nobody);
                None = everyone everywhere. Needs the identity as pieces.
            on_step: called after every denoising step of every batch.
            on_frame: called with each frame as soon as it is decoded.
            cancel: when set, the render stops within one step and raises ``RenderCancelled`` holding the
                frames already finished.
            output_type: "pil" (default) or "np" (float arrays [H, W, 3] in 0..1, for tests).
        Raises:
            InvalidStoryError, PromptTooLongError, OutOfMemoryError, RenderCancelled.
        """
        seeds = dict(seeds or {})
        targets = list(range(len(frame_prompts))) if frames is None else list(frames)
        _validate(identity_prompt, frame_prompts, targets, seeds)
        identity = _identity(identity_prompt)
        _validate_presence(identity, presence, len(frame_prompts))
        layouts, windows = self.layouts(identity, frame_prompts, settings)
        text = identity if isinstance(identity, str) else prefix_text(identity)
        request = RenderRequest(text, layouts, windows, settings, targets, seeds, on_step, on_frame, cancel,
                                output_type, presence=list(presence or [None] * len(frame_prompts)))
        self.last_notice = ""
        with self._lock, torch.inference_mode():
            try:
                self._attempt_stepping_down(request, settings)
            finally:
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()
        return request.finished

    def _attempt_stepping_down(self, request: RenderRequest, settings: GenerationSettings) -> None:
        """Render; out of memory, the frames not finished again one memory mode lower and one at a time, down
        to the lowest mode (then OutOfMemoryError goes to the caller). Finished frames are never redrawn."""
        attempt, lower = request, None
        while True:
            try:
                self._attempt(attempt)
                break
            except OutOfMemoryError:
                lower = self.lower_memory_mode()
                if lower is None:
                    raise
                attempt = attempt.rest(settings=settings.model_copy(update={"batch_size": 1}))
                log.warning("out of memory: retrying %d frame(s) in memory mode %s, batch 1", len(attempt.targets),
                            lower)
        if lower is not None:
            self.last_notice = (
                f"The GPU ran out of memory, so I switched to the “{lower}” memory mode and drew the rest one frame "
                "at a time; nothing was lost. Set STORY_GPU_MEMORY to keep it."
            )

    def _attempt(self, request: RenderRequest) -> None:
        """One try at rendering ``request.targets``; CUDA running out of memory comes out as OutOfMemoryError."""
        from generator.memory import tile_for_size

        size = self.model_info.default_size
        tile_for_size(self.pipe, self.model_info.memory_mode, request.settings.width or size[0],
                      request.settings.height or size[1])
        try:
            self._render(request)
        except torch.OutOfMemoryError as error:
            raise OutOfMemoryError(str(error).splitlines()[0]) from error

    def _render(self, request: RenderRequest) -> None:
        """Denoise ``request.targets`` batch by batch with IPCA installed; RenderCancelled when stopped."""
        pipe, settings = self.pipe, request.settings
        guidance = settings.guidance or self.model_info.recommended_guidance
        width = settings.width or self.model_info.default_size[0]
        height = settings.height or self.model_info.default_size[1]
        embed = EmbeddingCache(pipe, settings, guidance > 1.0)
        run_state = self._run.rendering(
            identity_columns=request.layouts[0].identity.stop,
            guidance=guidance > 1.0,  # SOT + identity
            dropout=settings.ipca_dropout,
        )
        with ExitStack() as stack:
            run = stack.enter_context(run_state)
            if settings.ipca != "off":
                stack.enter_context(identity_preserving_attention(pipe.unet, self._ipca_processors(settings.ipca)))
            call = PipelineCall(pipe, settings.steps, guidance, width, height, run)
            if settings.ipca == "reference":
                # The reference's identity-only pre-pass that records every layer's K/V (spec §3.2);
                # its image is never decoded. The "fast" mode proves it redundant (spec §3.4).
                with run.storing_identity():
                    call(embed.plain(request.identity), [settings.seed], decode=None)
            for start in range(0, len(request.targets), settings.batch_size):
                if request.cancelled():
                    raise RenderCancelled(request.finished)
                batch = request.targets[start : start + settings.batch_size]
                run.generators = [torch.Generator().manual_seed(dropout_seed(request.seed(i))) for i in batch]
                hidden = [request.layouts[i].hidden(request.presence[i]) for i in batch]  # absent characters
                run.showing(hidden_columns(run.identity_columns, hidden))
                absent = hidden if settings.absent == "suppress" else [()] * len(batch)
                rows = [embed.frame(request.layouts[i], request.windows[i].index(i), settings, spans)
                        for i, spans in zip(batch, absent, strict=True)]
                tensors = [torch.cat(parts) for parts in zip(*rows, strict=True)]
                on_step = (lambda step, total, batch=batch: request.on_step(batch, step, total)) \
                    if request.on_step else None
                images = call(tensors, [request.seed(i) for i in batch], decode=request.output_type, on_step=on_step,
                              cancel=request.cancel)
                if images is None:  # stopped inside the batch
                    raise RenderCancelled(request.finished)
                for index, image in zip(batch, images, strict=True):
                    request.finished[index] = image
                    if request.on_frame:
                        request.on_frame(index, image)

    def _ipca_processors(self, mode: str):
        """Layer name -> IPCA processor; the same objects every render, so a compiled UNet is not recompiled."""
        processors = self._processors.setdefault(mode, {})
        for processor in processors.values():
            processor.store.clear()
        return lambda name: processors.get(name) or processors.setdefault(
            name, IdentityCrossAttnProcessor(self._run, mode))


