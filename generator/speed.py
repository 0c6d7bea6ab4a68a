"""The optional speed mode: fused QKV projections, a channels-last UNet and regional `torch.compile`.

Regional compilation (`UNet2DConditionModel.compile_repeated_blocks`) compiles the repeated
`BasicTransformerBlock` once and reuses it for all of them, so the first render pays seconds, not minutes.
The IPCA processors keep working inside the compiled blocks: the engine installs the same processor objects
on every render, so nothing recompiles unless the image size or batch changes. Images stay within fp16 noise
of the uncompiled pipeline (tests: `tests/test_generator_speed.py`). Off by default (`STORY_SPEED=1`).
"""

from __future__ import annotations

import logging

import torch

log = logging.getLogger(__name__)


def enable_speed_mode(pipe) -> None:
    """Fuse the attention projections, make the UNet channels-last and compile its repeated blocks."""
    pipe.fuse_qkv_projections(unet=True, vae=False)
    pipe.unet.to(memory_format=torch.channels_last)
    # Inductor's on-disk graph cache hashes the modules the graph touches; Chainlit's lazily loaded package
    # answers unknown attributes with KeyError, which breaks that hash inside the app. Compiling without the
    # disk cache costs the few seconds of the first render in each process, nothing after.
    pipe.unet.compile_repeated_blocks(fullgraph=False, options={"fx_graph_cache": False})
    log.info("speed mode: fused QKV, channels-last UNet, regional torch.compile")
