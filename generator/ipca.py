"""Identity-Preserving Cross-Attention (1Prompt1Story §3.2; spec §3) as a diffusers attention processor.

In every cross-attention (``attn2``) layer the conditional half of the batch also attends to the identity
prompt's own keys/values: the reference runs an identity-only pre-pass, stores each layer's K/V per step,
and concatenates them to the frame's K/V with everything but SOT and identity columns masked (spec §3.3).
Because CLIP is causal and SVR leaves SOT/identity rows alone, those stored columns equal the first L+1
columns of the frame's own K/V, so the same attention is ordinary attention with +ln 2 on the logits of
those columns (spec §3.4). ``mode="fast"`` does that (no pre-pass, no cache); ``mode="reference"`` does
the pre-pass and concatenation, kept to prove the two agree.

Optional IPCA dropout keeps each duplicated identity column with probability 1 − p per query position.
The keep masks come from one ``torch.Generator`` per frame (seeded from the frame's seed, unlike the
reference's global RNG), drawn in the same order by both modes, so renders stay reproducible.

A cast (cast_design.md B4): each conditional row may hide the columns of the characters absent from its frame
(−inf in the frame's own block and in the stored block alike, so ``fast`` ≡ ``reference`` still holds); the
boosted columns are then SOT, the shared style and the present characters. The dropout masks are still drawn over
the whole identity range, so the random stream does not depend on who is in a frame. A batch where no row hides
anything takes exactly the single-identity path.
"""

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

LN2 = math.log(2.0)


def hidden_columns(identity_columns: int, hidden: Sequence[Sequence[range]]) -> torch.Tensor | None:
    """[R, identity_columns] additive mask: −inf on the spans each conditional row hides, 0 elsewhere.

    Args:
        identity_columns: SOT plus the shared prefix (L + 1).
        hidden: per row, the spans of the characters absent from its frame (positions in 1..L).
    Returns:
        The float32 mask, or None when no row hides anything (the single-identity path, bit for bit).
    """
    if not any(len(spans) for spans in hidden):
        return None
    mask = torch.zeros(len(hidden), identity_columns)
    for row, spans in enumerate(hidden):
        for span in spans:
            mask[row, span.start : span.stop] = float("-inf")
    return mask


@dataclass
class IpcaRun:
    """State shared by all processors of one pipeline call; the engine owns it, the step callback advances it.

    Attributes:
        identity_columns: SOT plus identity-prompt tokens, i.e. key columns 0..L (L + 1 columns).
        guidance: whether the UNet batch is [uncond rows; cond rows] (classifier-free guidance on).
        dropout: probability of dropping a duplicated identity column (reference default 0).
        generators: one per conditional row, for the dropout masks; required when dropout > 0.
        storing: reference mode's pre-pass, which records identity-only K/V instead of applying IPCA.
        step: index of the denoising step in progress (set by the pipeline callback, never by counting).
        hidden: [R, identity_columns] −inf on each row's absent characters (`hidden_columns`); None = none.
    """

    identity_columns: int
    guidance: bool = True
    dropout: float = 0.0
    generators: Sequence[torch.Generator] = ()
    storing: bool = False
    step: int = 0
    hidden: torch.Tensor | None = None
    _biases: dict = field(default_factory=dict, repr=False)
    _row_biases: dict = field(default_factory=dict, repr=False)

    @contextmanager
    def rendering(self, identity_columns: int, guidance: bool, dropout: float) -> Iterator["IpcaRun"]:
        """The state of one render (the same object serves every render of a generator, so the processors and
        their cached biases are reused); cleared when the render ends, however it ends."""
        if identity_columns != self.identity_columns:
            self._biases.clear()
        self.identity_columns, self.guidance, self.dropout = identity_columns, guidance, dropout
        try:
            yield self
        finally:
            self.generators, self.storing, self.step = (), False, 0
            self.showing(None)

    def showing(self, hidden: torch.Tensor | None) -> None:
        """The hidden columns of the next batch's conditional rows (`hidden_columns`), set before each batch."""
        self.hidden = hidden
        self._row_biases.clear()

    @contextmanager
    def storing_identity(self) -> Iterator[None]:
        """Reference mode's pre-pass: the processors record identity-only K/V instead of applying IPCA."""
        self.storing = True
        try:
            yield
        finally:
            self.storing = False

    def identity_bias(self, keys: int, dtype, device) -> torch.Tensor:
        """[1, 1, 1, keys]: ln 2 on the identity columns, 0 elsewhere; built once per shape, dtype and device."""
        slot = (keys, dtype, str(device))
        if slot not in self._biases:
            bias = torch.zeros(1, 1, 1, keys, dtype=dtype, device=device)
            bias[..., : self.identity_columns] = LN2
            self._biases[slot] = bias
        return self._biases[slot]

    def conditional_bias(self, rows: int, queries: int, keys: int, dtype, device) -> torch.Tensor:
        """The additive logit bias of the conditional rows: ln 2 (with dropout: ln(1 + keep)) on the shown
        identity columns, −inf on the hidden ones, 0 on the rest; [1 or R, 1, 1 or Nq, keys]. Without dropout it
        is built once per batch, shape, dtype and device."""
        keep = self.keep_masks(rows, queries, device, dtype)
        if keep is None and self.hidden is None:
            return self.identity_bias(keys, dtype, device)  # [1, 1, 1, Nk], the single-identity path
        if keep is None:
            slot = (keys, dtype, str(device))
            if slot not in self._row_biases:
                bias = torch.zeros(rows, 1, 1, keys, dtype=dtype, device=device)
                bias[:, 0, 0, : self.identity_columns] = LN2 + self.hidden.to(device=device, dtype=dtype)
                self._row_biases[slot] = bias
            return self._row_biases[slot]
        bias = torch.zeros(rows, 1, queries, keys, dtype=dtype, device=device)
        bias[:, 0, :, : self.identity_columns] = torch.log1p(keep)  # [R, Nq, L+1]
        if self.hidden is not None:
            bias[:, 0, :, : self.identity_columns] += self.hidden.to(device=device, dtype=dtype)[:, None, :]
        return bias

    def keep_masks(self, rows: int, queries: int, device, dtype) -> torch.Tensor | None:
        """[rows, queries, identity_columns] 0/1 masks of kept identity columns, or None without dropout."""
        if self.dropout <= 0.0:
            return None
        if len(self.generators) != rows:
            raise ValueError(f"IPCA dropout needs one generator per frame ({rows}), got {len(self.generators)}")
        masks = [
            torch.rand((queries, self.identity_columns), generator=generator) >= self.dropout
            for generator in self.generators
        ]
        return torch.stack(masks).to(device=device, dtype=dtype)


def _heads(tensor: torch.Tensor, heads: int) -> torch.Tensor:
    batch, length, inner = tensor.shape
    return tensor.view(batch, length, heads, inner // heads).transpose(1, 2)  # [B, h, length, d]


@dataclass
class IdentityCrossAttnProcessor:
    """IPCA for one ``attn2`` layer. ``store`` holds this layer's identity-only K/V per step (reference mode)."""

    run: IpcaRun
    mode: str = "fast"
    store: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.mode not in ("fast", "reference"):
            raise ValueError(f"unknown IPCA mode {self.mode!r}; use 'fast' or 'reference'")

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None, **kwargs):
        if encoder_hidden_states is None or hidden_states.ndim != 3 or attention_mask is not None:
            raise ValueError("IdentityCrossAttnProcessor serves SDXL cross-attention layers (attn2) only")
        residual = hidden_states
        if attn.norm_cross:
            encoder_hidden_states = attn.norm_encoder_hidden_states(encoder_hidden_states)
        query = _heads(attn.to_q(hidden_states), attn.heads)  # [B, h, Nq, d]
        key = _heads(attn.to_k(encoder_hidden_states), attn.heads)  # [B, h, Nk, d]
        value = _heads(attn.to_v(encoder_hidden_states), attn.heads)
        if attn.norm_q is not None:
            query, key = attn.norm_q(query), attn.norm_k(key)

        cond = slice(query.shape[0] // 2 if self.run.guidance else 0, None)
        if self.run.storing:
            self.store[self.run.step] = (key[cond][:1], value[cond][:1])  # [1, h, 77, d] identity-only cond K/V
            out = F.scaled_dot_product_attention(query, key, value)
        elif self.mode == "fast":
            out = self._fast(query, key, value, cond)
        else:
            out = self._reference(query, key, value, cond)

        out = out.transpose(1, 2).reshape(out.shape[0], -1, out.shape[1] * out.shape[3])  # [B, Nq, h*d]
        out = attn.to_out[1](attn.to_out[0](out))
        if attn.residual_connection:
            out = out + residual
        return out / attn.rescale_output_factor

    def _fast(self, query, key, value, cond):
        """+ln 2 on the identity columns, for the conditional rows only: the unconditional half runs without a
        mask, so SDPA may pick its flash kernel there; without dropout the bias is built once per call."""
        rows, queries = query.shape[0] - cond.start, query.shape[2]
        bias = self.run.conditional_bias(rows, queries, key.shape[2], query.dtype, query.device)
        conditional = F.scaled_dot_product_attention(query[cond], key[cond], value[cond], attn_mask=bias)
        if cond.start == 0:
            return conditional
        unconditional = F.scaled_dot_product_attention(query[: cond.start], key[: cond.start], value[: cond.start])
        return torch.cat([unconditional, conditional])

    def _reference(self, query, key, value, cond):
        stored_key, stored_value = self.store[self.run.step]  # [1, h, 77, d]
        rows = query.shape[0] - cond.start
        queries, columns = query.shape[2], self.run.identity_columns
        key_plus = torch.cat([key[cond], stored_key.expand(rows, -1, -1, -1)], dim=2)  # [R, h, 154, d]
        value_plus = torch.cat([value[cond], stored_value.expand(rows, -1, -1, -1)], dim=2)
        keep = self.run.keep_masks(rows, queries, query.device, query.dtype)
        mask = query.new_full((rows, 1, queries, key_plus.shape[2]), float("-inf"))  # [R, 1, Nq, 154]
        mask[..., : key.shape[2]] = 0.0
        stored = slice(key.shape[2], key.shape[2] + columns)
        mask[:, 0, :, stored] = 0.0 if keep is None else torch.log(keep)
        if self.run.hidden is not None:  # absent characters: hidden in the frame's block and the stored one
            hidden = self.run.hidden.to(device=query.device, dtype=query.dtype)[:, None, :]  # [R, 1, L+1]
            mask[:, 0, :, :columns] += hidden
            mask[:, 0, :, stored] += hidden
        conditional = F.scaled_dot_product_attention(query[cond], key_plus, value_plus, attn_mask=mask)
        if cond.start == 0:
            return conditional
        unconditional = F.scaled_dot_product_attention(query[: cond.start], key[: cond.start], value[: cond.start])
        return torch.cat([unconditional, conditional])


def cross_attention_names(unet) -> list[str]:
    """Processor names of every cross-attention layer (70 in SDXL's UNet)."""
    return [name for name in unet.attn_processors if name.endswith("attn2.processor")]


@contextmanager
def identity_preserving_attention(unet, make_processor: Callable[[str], IdentityCrossAttnProcessor]) -> Iterator[dict]:
    """Install a processor on every ``attn2`` layer for the duration of the block; always restore the originals.

    Yields the installed processors by layer name.
    """
    original = dict(unet.attn_processors)
    installed = {name: make_processor(name) for name in cross_attention_names(unet)}
    unet.set_attn_processor({**original, **installed})
    try:
        yield installed
    finally:
        unet.set_attn_processor(original)
