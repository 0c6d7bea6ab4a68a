"""Generation settings: the 1Prompt1Story method constants and the sampling settings of one render.

Defaults follow the reference code (spec §2.3, §4.1); the paper's App. B.1 swaps the β values, the code is
authoritative. Everything here is plain data that serialises to JSON (it is stored in each story file).
"""

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from core.text import CleanText

SvrMode = Literal["svr", "svr-eot", "off"]
IpcaMode = Literal["fast", "reference", "off"]
AbsentMode = Literal["mask", "suppress"]
SVR_MODES: tuple[str, ...] = get_args(SvrMode)  # the one list of mode names (CLI choices, settings panel)
IPCA_MODES: tuple[str, ...] = get_args(IpcaMode)
ABSENT_MODES: tuple[str, ...] = get_args(AbsentMode)

MAX_SEED = 2**32 - 1


class GenerationSettings(BaseModel):
    """Everything that determines the pixels of a render, besides the prompts and the model."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(42, ge=0, le=MAX_SEED, description="initial-noise seed shared by every frame")
    steps: int = Field(50, ge=1, le=200, description="denoising steps (reference: 50)")
    guidance: float | None = Field(None, ge=1.0, le=30.0, description="CFG scale; None = the model's recommended value")
    width: int | None = Field(None, ge=64, le=2048, multiple_of=8, description="None = model default")
    height: int | None = Field(None, ge=64, le=2048, multiple_of=8, description="None = model default")
    negative_prompt: CleanText = Field("", max_length=1000)
    batch_size: int = Field(2, ge=1, le=16, description="frames per pipeline call")

    window_length: int = Field(10, ge=1, le=64, description="max frames in one consolidated prompt (reference: 10)")
    svr: SvrMode = "svr"  # reference default `Prompt_embeds_mode="svr"`; the benchmark used "svr-eot"
    ipca: IpcaMode = "fast"  # "fast" is the exact closed form of the reference pre-pass (spec §3.4)
    alpha_weaken: float = 0.01  # SVR− α′ (Eq. 3)
    beta_weaken: float = 0.05  # SVR− β′ (Eq. 3)
    alpha_enhance: float = -0.01  # SVR+ α, code sign convention: σ·e^(−ασ) (Eq. 2)
    beta_enhance: float = 1.0  # SVR+ β (Eq. 2)
    eot_scale: float = Field(0.9, gt=0.0, le=1.0, description="svr-eot: EOT rows scaled per SVR call")
    ipca_dropout: float = Field(0.0, ge=0.0, lt=1.0, description="IPCA dropout on identity columns (reference: 0)")
    # A cast member absent from a frame: its columns are hidden from IPCA ("mask"); "suppress" also weakens its
    # rows with one SVR− call before the frame's own (cast_design.md B3). Stories without a cast never use it.
    absent: AbsentMode = "mask"
