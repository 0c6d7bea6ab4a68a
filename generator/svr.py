"""Singular-Value Reweighting of text embeddings (1Prompt1Story §3.1, Eq. 2–3; spec §2).

For the frame being drawn, every other frame of the window is suppressed (SVR−) and the frame itself
is expressed (SVR+) by reweighting the singular values of the embedding rows of its tokens (plus the
EOT/padding rows in mode ``svr``). Applied to each text encoder's penultimate hidden states separately;
SOT and identity rows and the pooled embedding are never touched, except, when asked (a cast's ``absent:
suppress``), the rows of the characters absent from the frame, weakened like another frame before the frame's own
calls (cast_design.md B3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from core.settings import GenerationSettings
from generator.tokens import PromptLayout


@dataclass(frozen=True)
class SvrParams:
    """Constants of the two reweightings; σ' = β·σ·exp(−α·σ) for both (code sign convention). Their defaults
    live in `core.settings.GenerationSettings` only: `SvrParams.of(settings)`; `SvrParams()` = the defaults."""

    alpha_weaken: float = GenerationSettings.model_fields["alpha_weaken"].default
    beta_weaken: float = GenerationSettings.model_fields["beta_weaken"].default
    alpha_enhance: float = GenerationSettings.model_fields["alpha_enhance"].default
    beta_enhance: float = GenerationSettings.model_fields["beta_enhance"].default
    eot_scale: float = GenerationSettings.model_fields["eot_scale"].default  # mode "svr-eot" only

    @classmethod
    def of(cls, settings: GenerationSettings) -> SvrParams:
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


def reweight_singular_values(rows: torch.Tensor, alpha: float, beta: float) -> torch.Tensor:
    """Return ``rows`` with each singular value σ replaced by β·σ·exp(−α·σ).

    Args:
        rows: [n, d] embedding rows (any float dtype); the SVD runs in float64 on the [d, n] transpose.
    Returns:
        [n, d] tensor of the input's dtype and device; the input is not modified.
    """
    matrix = rows.transpose(0, 1).to(torch.float64)  # [d, n]
    left, sigma, right = torch.linalg.svd(matrix, full_matrices=False)  # [d, k], [k], [k, n]
    sigma = beta * sigma * torch.exp(-alpha * sigma)
    rebuilt = (left * sigma) @ right  # [d, n]
    return rebuilt.transpose(0, 1).to(rows.dtype)


def _reweight_span(embeds: torch.Tensor, span: Sequence[int], eot: Sequence[int], alpha, beta, params, mode):
    if mode == "svr":
        index = torch.tensor(sorted(set(span) | set(eot)), device=embeds.device)
        embeds[index] = reweight_singular_values(embeds[index], alpha, beta)
    else:  # "svr-eot": only the span is decomposed, the EOT rows are damped instead (spec §2.5)
        if len(span):
            index = torch.tensor(list(span), device=embeds.device)
            embeds[index] = reweight_singular_values(embeds[index], alpha, beta)
        if len(eot):
            embeds[eot.start : eot.stop] = embeds[eot.start : eot.stop] * params.eot_scale


def apply_svr(
    embeds: torch.Tensor, layout: PromptLayout, express: int, params: SvrParams, mode: str = "svr",
    absent: Sequence[range] = (),
) -> torch.Tensor:
    """Suppress every other frame of the window, then express frame ``express`` (reference order, spec §2.4).

    Args:
        embeds: [77, d] penultimate hidden states of ONE text encoder for the consolidated prompt.
        layout: token spans of the consolidated prompt.
        express: index into ``layout.frames`` of the frame being drawn.
        mode: "svr" (EOT rows join every decomposition), "svr-eot" (benchmark variant) or "off".
        absent: spans of cast members absent from the frame to weaken first, one SVR− call each (empty: none).
    Returns:
        A new [77, d] tensor; ``embeds`` is left unchanged.
    """
    if mode == "off":
        return embeds.clone()
    if mode not in ("svr", "svr-eot"):
        raise ValueError(f"unknown SVR mode {mode!r}; use 'svr', 'svr-eot' or 'off'")
    out = embeds.clone()
    for span in absent:
        _reweight_span(out, span, layout.eot, params.alpha_weaken, params.beta_weaken, params, mode)
    for position, span in enumerate(layout.frames):
        if position != express:
            _reweight_span(out, span, layout.eot, params.alpha_weaken, params.beta_weaken, params, mode)
    _reweight_span(out, layout.frames[express], layout.eot, params.alpha_enhance, params.beta_enhance, params, mode)
    return out


def apply_svr_per_encoder(
    prompt_embeds: torch.Tensor,
    encoder_dims: Sequence[int],
    layout: PromptLayout,
    express: int,
    params: SvrParams,
    mode: str = "svr",
    absent: Sequence[range] = (),
) -> torch.Tensor:
    """SVR on each encoder's slice of SDXL's concatenated embeddings, separately (spec §2.1).

    Args:
        prompt_embeds: [77, sum(encoder_dims)], e.g. [77, 768 + 1280] for SDXL.
        encoder_dims: feature width of each text encoder, in concatenation order.
        absent: spans of absent cast members to weaken first (`apply_svr`).
    Returns:
        [77, sum(encoder_dims)] new tensor.
    """
    slices = torch.split(prompt_embeds, list(encoder_dims), dim=-1)
    return torch.cat([apply_svr(part, layout, express, params, mode, absent) for part in slices], dim=-1)
