"""A tiny SDXL-architecture pipeline with random weights and the real CLIP tokenizer, for tests and benchmarks.

Same component classes and wiring as SDXL (two CLIP text encoders, text-time conditioned UNet with
cross-attention, VAE, Euler scheduler), in the spirit of diffusers' ``get_dummy_components``; its images
are noise-like and it is labelled as a test model wherever it appears. ``full_size_unet_config`` is
SDXL base's real UNet configuration, for architecture tests and benchmarks with random weights.
"""

import torch

from generator.tokens import TOKENIZER_DIR, load_clip_tokenizer

TINY_TEXT_WIDTH = 32  # per text encoder; the UNet's cross-attention width is 2 × this
TINY_SAMPLE_SIZE = 16  # latent side; × VAE factor 8 = 128-pixel images


def _text_encoder_config(hidden: int, layers: int = 2, heads: int = 4):
    from transformers import CLIPTextConfig

    tokenizer = load_clip_tokenizer()
    return CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        max_position_embeddings=77,
        projection_dim=hidden,
        hidden_act="gelu",
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def _text_encoders(width_1: int, width_2: int, seed: int):
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(seed)
    encoder_1 = CLIPTextModel(_text_encoder_config(width_1))
    torch.manual_seed(seed + 1)
    encoder_2 = CLIPTextModelWithProjection(_text_encoder_config(width_2))
    return encoder_1.eval(), encoder_2.eval()


def _vae(seed: int):
    from diffusers import AutoencoderKL

    torch.manual_seed(seed)
    return AutoencoderKL(
        block_out_channels=[8, 16, 16, 16],
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=TINY_SAMPLE_SIZE * 8,
    ).eval()


def _scheduler():
    from diffusers import EulerDiscreteScheduler

    # SDXL base's scheduler configuration
    return EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        num_train_timesteps=1000,
        steps_offset=1,
        timestep_spacing="leading",
        prediction_type="epsilon",
        interpolation_type="linear",
    )


def _tokenizers():
    from transformers import CLIPTokenizer

    tokenizer = load_clip_tokenizer()
    # SDXL's second tokenizer pads with "!" (id 0) instead of EOT; positions still align (spec §2.2)
    tokenizer_2 = CLIPTokenizer(
        str(TOKENIZER_DIR / "vocab.json"), str(TOKENIZER_DIR / "merges.txt"), pad_token="!", model_max_length=77
    )
    return tokenizer, tokenizer_2


def _components(unet, text_widths: tuple[int, int], seed: int) -> dict:
    """Everything ``StableDiffusionXLPipeline(**components)`` needs around ``unet``."""
    encoder_1, encoder_2 = _text_encoders(*text_widths, seed + 10)
    tokenizer, tokenizer_2 = _tokenizers()
    return {
        "unet": unet,
        "scheduler": _scheduler(),
        "vae": _vae(seed + 20),
        "text_encoder": encoder_1,
        "text_encoder_2": encoder_2,
        "tokenizer": tokenizer,
        "tokenizer_2": tokenizer_2,
        "image_encoder": None,
        "feature_extractor": None,
    }


def tiny_components(seed: int = 0) -> dict:
    """Components for ``StableDiffusionXLPipeline(**components)``: a ~3M-parameter SDXL look-alike."""
    from diffusers import UNet2DConditionModel

    text_width = TINY_TEXT_WIDTH
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=TINY_SAMPLE_SIZE,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=8 * 6 + text_width,
        cross_attention_dim=2 * text_width,
        norm_num_groups=8,
    ).eval()
    return _components(unet, (text_width, text_width), seed)


def full_size_unet_config() -> dict:
    """SDXL base 1.0's UNet configuration (2.6B parameters, 70 cross-attention layers)."""
    return dict(
        sample_size=128,
        in_channels=4,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        transformer_layers_per_block=(1, 2, 10),
        attention_head_dim=(5, 10, 20),
        cross_attention_dim=2048,
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=256,
        projection_class_embeddings_input_dim=2816,
        norm_num_groups=32,
        norm_eps=1e-5,
    )


def full_size_components(seed: int = 0) -> dict:
    """SDXL's full UNet (random weights) with small text encoders of SDXL's widths (768, 1280) and a tiny VAE."""
    from diffusers import UNet2DConditionModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(**full_size_unet_config()).eval()
    return _components(unet, (768, 1280), seed)
