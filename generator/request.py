"""One render's pieces: the request (what to draw and whom to tell), the prompt embeddings with SVR, and one
stock pipeline call per batch of frames (seeded latents, step callback, diffusers' interrupt for Stop)."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

import torch

from core.generator import FrameCallback, StepCallback
from core.settings import GenerationSettings
from generator.ipca import IpcaRun
from generator.svr import SvrParams, apply_svr_per_encoder
from generator.tokens import PromptLayout


@dataclass
class RenderRequest:
    """One render: the consolidated prompts, what to draw, and whom to tell. ``finished`` fills as frames are
    decoded; a stopped or failed render keeps what it holds."""

    identity: str
    layouts: list[PromptLayout]
    windows: list[list[int]]
    settings: GenerationSettings
    targets: list[int]
    seeds: dict[int, int] = field(default_factory=dict)  # per-frame overrides of settings.seed
    on_step: StepCallback | None = None
    on_frame: FrameCallback | None = None
    cancel: threading.Event | None = None
    output_type: str = "pil"
    presence: list = field(default_factory=list)  # per frame: the ids of its characters, None = everyone
    finished: dict = field(default_factory=dict)

    def seed(self, index: int) -> int:
        return self.seeds.get(index, self.settings.seed)

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def rest(self, **changes) -> RenderRequest:
        """The frames not finished yet, as a request sharing ``finished`` (a retry after running out of memory)."""
        targets = [index for index in self.targets if index not in self.finished]
        return dataclasses.replace(self, targets=targets, **changes)  # the same `finished` dict


class EmbeddingCache:
    """Stock ``encode_prompt`` once per distinct consolidated text, then SVR per frame."""

    def __init__(self, pipe, settings: GenerationSettings, guidance: bool):
        self.pipe, self.guidance = pipe, guidance
        self.negative = settings.negative_prompt.strip() or None
        self.cache: dict = {}
        self.dims = (pipe.text_encoder.config.hidden_size, pipe.text_encoder_2.config.hidden_size)

    def plain(self, text: str):
        """(prompt, negative, pooled, negative pooled) embeddings, each with batch 1."""
        if text not in self.cache:
            self.cache[text] = self.pipe.encode_prompt(
                prompt=text,
                device=self.pipe._execution_device,
                num_images_per_prompt=1,
                do_classifier_free_guidance=self.guidance,
                negative_prompt=self.negative,
            )
        return self.cache[text]

    def frame(self, layout: PromptLayout, express: int, settings: GenerationSettings, absent=()):
        """One frame's embeddings; ``absent``: spans of cast members to weaken first (``absent: suppress``)."""
        prompt, negative, pooled, negative_pooled = self.plain(layout.text)
        params = SvrParams.of(settings)
        reweighted = apply_svr_per_encoder(prompt[0], self.dims, layout, express, params, settings.svr, absent)[None]
        return reweighted, negative, pooled, negative_pooled


class PipelineCall:
    """One stock pipeline call on a batch of frames: seeded latents, step callback, and diffusers' interrupt."""

    def __init__(self, pipe, steps, guidance, width, height, run: IpcaRun):
        self.pipe, self.steps, self.guidance = pipe, steps, guidance
        self.width, self.height, self.run = width, height, run

    def latents(self, seeds):
        from diffusers.utils.torch_utils import randn_tensor

        pipe = self.pipe
        shape = (
            1,
            pipe.unet.config.in_channels,
            self.height // pipe.vae_scale_factor,
            self.width // pipe.vae_scale_factor,
        )
        generators = [torch.Generator().manual_seed(seed) for seed in seeds]
        noise = [
            randn_tensor(shape, generator=g, device=pipe._execution_device, dtype=pipe.unet.dtype) for g in generators
        ]
        return torch.cat(noise), generators  # [B, 4, h/8, w/8]; generators continue into the scheduler

    def __call__(self, tensors, seeds, *, decode: str | None, on_step=None, cancel=None) -> list | None:
        """The batch's images (``decode``: "pil" or "np"; None decodes nothing), or None when ``cancel`` was set
        during the call: the pipeline's interrupt flag then skips the remaining steps, and the latents are cut to
        one 8×8 patch, so the decode the pipeline still runs costs nothing (a 64-pixel image, thrown away)."""
        prompt, negative, pooled, negative_pooled = tensors
        latents, generators = self.latents(seeds)
        self.run.step = 0
        interrupted = False

        def step_end(pipe, step, timestep, tensors_in):
            nonlocal interrupted
            self.run.step = step + 1
            if on_step:
                on_step(step + 1, self.steps)
            if cancel is not None and cancel.is_set():
                interrupted = pipe._interrupt = True  # diffusers' own way out of the denoising loop
                return {"latents": tensors_in["latents"][:1, :, :8, :8]}  # nothing worth decoding
            return {}

        result = self.pipe(
            prompt_embeds=prompt,
            negative_prompt_embeds=negative,
            pooled_prompt_embeds=pooled,
            negative_pooled_prompt_embeds=negative_pooled,
            latents=latents,
            generator=generators,
            num_inference_steps=self.steps,
            guidance_scale=self.guidance,
            width=self.width,
            height=self.height,
            output_type=decode or "latent",
            callback_on_step_end=step_end,
        )
        return None if interrupted else list(result.images)
