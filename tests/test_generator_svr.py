"""SVR (spec §2): properties on small tensors."""

import pytest
import torch

from generator.svr import SvrParams, apply_svr, apply_svr_per_encoder, reweight_singular_values
from generator.tokens import PromptLayout


def layout():
    """12 positions: SOT, identity 1-2, frame A 3-4, frame B 5-7, EOT/padding 8-11."""
    return PromptLayout(text="", identity=range(1, 3), frames=(range(3, 5), range(5, 8)), eot=range(8, 12))


def embeds(rows=12, width=8, seed=0, dtype=torch.float32):
    return torch.randn(rows, width, generator=torch.Generator().manual_seed(seed), dtype=dtype) * 3


def test_neutral_parameters_give_identity():
    rows = embeds()[:5]
    assert torch.allclose(reweight_singular_values(rows, alpha=0.0, beta=1.0), rows, atol=1e-5)


def test_matches_explicit_formula():
    rows = embeds()[:4]
    u, s, vh = torch.linalg.svd(rows.T.double(), full_matrices=False)
    expected = (u @ torch.diag(0.05 * s * torch.exp(-0.01 * s)) @ vh).T.float()
    assert torch.allclose(reweight_singular_values(rows, 0.01, 0.05), expected, atol=1e-6)


def test_suppress_lowers_energy_and_express_raises_top_singular_value():
    rows = embeds()[:5]
    weakened = reweight_singular_values(rows, 0.01, 0.05)
    assert weakened.norm() < 0.1 * rows.norm()
    enhanced = reweight_singular_values(rows, -0.01, 1.0)
    assert torch.linalg.svdvals(enhanced)[0] > torch.linalg.svdvals(rows)[0]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
def test_dtype_and_shape_kept_and_input_untouched(dtype):
    block = embeds(dtype=dtype)
    before = block.clone()
    out = apply_svr(block, layout(), express=0, params=SvrParams())
    assert out.dtype == dtype and out.shape == block.shape
    assert torch.equal(block, before)


@pytest.mark.parametrize("mode", ["svr", "svr-eot"])
def test_rows_outside_spans_untouched(mode):
    block = embeds()
    out = apply_svr(block, layout(), express=1, params=SvrParams(), mode=mode)
    untouched = [0, 1, 2]  # SOT and identity
    assert torch.equal(out[untouched], block[untouched])
    assert not torch.allclose(out[3:5], block[3:5])  # suppressed frame
    assert not torch.allclose(out[5:8], block[5:8])  # expressed frame


def test_svr_eot_damps_eot_rows_once_per_call():
    block = embeds()
    out = apply_svr(block, layout(), express=0, params=SvrParams(eot_scale=0.9), mode="svr-eot")
    assert torch.allclose(out[8:], block[8:] * 0.9**2, atol=1e-6)  # one suppress + one express call


def test_svr_mode_reweights_eot_rows_with_the_spans():
    block = embeds()
    out = apply_svr(block, layout(), express=0, params=SvrParams())
    assert out[8:].norm() < block[8:].norm()  # suppression dominates the EOT rows (β=0.05)


def test_off_returns_copy_and_unknown_mode_fails():
    block = embeds()
    assert torch.equal(apply_svr(block, layout(), 0, SvrParams(), mode="off"), block)
    with pytest.raises(ValueError):
        apply_svr(block, layout(), 0, SvrParams(), mode="bogus")


def test_suppress_then_express_order_matches_reference_sequence():
    block = embeds()
    lay = layout()
    p = SvrParams()
    expected = block.clone()
    for span, a, b in [
        (lay.frames[1], p.alpha_weaken, p.beta_weaken),
        (lay.frames[0], p.alpha_enhance, p.beta_enhance),
    ]:
        index = sorted(set(span) | set(lay.eot))
        expected[index] = reweight_singular_values(expected[index], a, b)
    assert torch.allclose(apply_svr(block, lay, 0, p), expected)


def test_per_encoder_equals_separate_application():
    block = embeds(width=10)
    lay = layout()
    joint = apply_svr_per_encoder(block, (4, 6), lay, 0, SvrParams())
    assert torch.allclose(joint[:, :4], apply_svr(block[:, :4], lay, 0, SvrParams()))
    assert torch.allclose(joint[:, 4:], apply_svr(block[:, 4:], lay, 0, SvrParams()))
    assert not torch.allclose(joint, apply_svr(block, lay, 0, SvrParams()))  # not one SVD over both
