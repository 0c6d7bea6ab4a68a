"""GPU memory modes: how much of SDXL stays on the card, through diffusers' own switches.

* ``full``: everything on the GPU; the VAE decodes one image at a time (`vae.enable_slicing`), which costs
  nothing in speed and keeps the fp32-upcast decode of a batch from being the peak.
* ``balanced``: ``full`` plus a tiled VAE decode (`vae.enable_tiling`) at every size.
* ``low``: ``balanced`` plus `enable_model_cpu_offload` (accelerate): each model moves to the GPU only while it
  runs.
* ``auto``: picked from the card's free memory (`torch.cuda.mem_get_info`); on a CPU every mode is ``full``.

Whatever the mode, a decode above 1024×1024 is tiled. An out-of-memory render is retried once in the next
lower mode with batch 1 (`StoryGenerator.render`).
"""

from __future__ import annotations

import logging
from typing import Literal, get_args

import torch

log = logging.getLogger(__name__)

MemoryMode = Literal["auto", "full", "balanced", "low"]
MEMORY_MODES: tuple[str, ...] = get_args(MemoryMode)
LOWER = {"full": "balanced", "balanced": "low"}  # the fallback after an out-of-memory error
GIB = 1024**3
# Free memory a mode needs at the default settings (1024², batch 2, fp16), with headroom; measured peaks are in
# the README's table.
NEEDS_GIB = {"full": 18.0, "balanced": 11.0}
TILE_ABOVE_PIXELS = 1024 * 1024


def check_mode(mode: str) -> str:
    mode = (mode or "auto").strip().lower()
    if mode not in MEMORY_MODES:
        from core.errors import StoryError

        raise StoryError(f"STORY_GPU_MEMORY must be one of {', '.join(MEMORY_MODES)}, not {mode!r}.")
    return mode


def auto_mode(device: torch.device, free_bytes: int | None = None) -> str:
    """The mode for a device: ``full`` on CPU, else the largest that fits the free memory."""
    if device.type != "cuda":
        return "full"
    if free_bytes is None:
        free_bytes, _ = torch.cuda.mem_get_info(device)
    free = free_bytes / GIB
    return next((mode for mode, need in NEEDS_GIB.items() if free >= need), "low")


def apply_mode(pipe, mode: str, device: torch.device) -> str:
    """Configure ``pipe`` for ``mode`` ("auto" resolved first); returns the mode applied."""
    mode = auto_mode(device) if mode == "auto" else mode
    pipe.vae.enable_slicing()
    if mode in ("balanced", "low"):
        pipe.vae.enable_tiling()
    else:
        pipe.vae.disable_tiling()
    if mode == "low" and device.type == "cuda":  # accelerate's hooks move each model in only while it runs
        pipe.to("cpu")
        pipe.enable_model_cpu_offload(device=device)
    log.info("image model memory mode: %s", mode)
    return mode


def tile_for_size(pipe, mode: str, width: int, height: int) -> None:
    """Tile the VAE decode above 1024² whatever the mode (a 2048² decode is the peak otherwise)."""
    if width * height > TILE_ABOVE_PIXELS or mode in ("balanced", "low"):
        pipe.vae.enable_tiling()
    else:
        pipe.vae.disable_tiling()
