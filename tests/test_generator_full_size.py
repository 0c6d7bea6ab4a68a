"""SDXL's real UNet architecture (random weights, built from its configuration in code) takes IPCA on all
70 cross-attention layers and runs with it. Slow: ~10 GB of fp32 weights on the CPU."""

import pytest
import torch

from generator.ipca import IdentityCrossAttnProcessor, IpcaRun, cross_attention_names, identity_preserving_attention
from generator.tiny import full_size_unet_config

pytestmark = pytest.mark.slow


def test_full_size_unet_accepts_ipca_on_all_70_cross_attention_layers():
    from diffusers import UNet2DConditionModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(**full_size_unet_config()).eval()
    assert sum(p.numel() for p in unet.parameters()) > 2.5e9
    names = cross_attention_names(unet)
    assert len(names) == 70
    before = dict(unet.attn_processors)

    generator = torch.Generator().manual_seed(1)
    sample = torch.randn(2, 4, 8, 8, generator=generator)  # [uncond, cond] at a 64-pixel size
    context = torch.randn(2, 77, 2048, generator=generator)
    added = {
        "text_embeds": torch.randn(2, 1280, generator=generator),
        "time_ids": torch.tensor([[64.0, 64, 0, 0, 64, 64]] * 2),
    }
    with torch.inference_mode():
        stock = unet(sample, 500, encoder_hidden_states=context, added_cond_kwargs=added).sample
        run = IpcaRun(identity_columns=9)
        with identity_preserving_attention(unet, lambda name: IdentityCrossAttnProcessor(run)) as installed:
            assert len(installed) == 70
            boosted = unet(sample, 500, encoder_hidden_states=context, added_cond_kwargs=added).sample
    assert boosted.shape == stock.shape == (2, 4, 8, 8)
    assert torch.allclose(boosted[0], stock[0], atol=1e-4)  # unconditional half untouched
    assert not torch.allclose(boosted[1], stock[1], atol=1e-4)
    assert all(unet.attn_processors[name] is before[name] for name in before)
