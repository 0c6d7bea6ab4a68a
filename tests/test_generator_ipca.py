"""IPCA processor on one diffusers Attention layer with random tensors (spec §3.3–3.4)."""

import pytest
import torch
from diffusers.models.attention_processor import Attention, AttnProcessor2_0

from generator.ipca import IdentityCrossAttnProcessor, IpcaRun, identity_preserving_attention

BATCH, QUERIES, KEYS, WIDTH, CONTEXT = 2, 6, 77, 16, 12  # UNet batch 2 = [uncond, cond] for one frame


@pytest.fixture()
def layer():
    torch.manual_seed(0)
    return Attention(query_dim=WIDTH, cross_attention_dim=CONTEXT, heads=2, dim_head=8).eval()


@pytest.fixture()
def inputs():
    g = torch.Generator().manual_seed(1)
    return torch.randn(BATCH, QUERIES, WIDTH, generator=g), torch.randn(BATCH, KEYS, CONTEXT, generator=g)


def run_with(layer, processor, hidden, context):
    layer.set_processor(processor)
    with torch.no_grad():
        return layer(hidden, encoder_hidden_states=context)


def test_no_identity_columns_equals_stock_processor(layer, inputs):
    stock = run_with(layer, AttnProcessor2_0(), *inputs)
    ours = run_with(layer, IdentityCrossAttnProcessor(IpcaRun(identity_columns=0)), *inputs)
    assert torch.allclose(ours, stock, atol=1e-6)


def test_fast_equals_explicit_duplicated_columns(layer, inputs):
    hidden, context = inputs
    columns = 5
    ours = run_with(layer, IdentityCrossAttnProcessor(IpcaRun(identity_columns=columns)), hidden, context)
    stock = run_with(layer, AttnProcessor2_0(), hidden, context)
    assert torch.allclose(ours[0], stock[0], atol=1e-6)  # unconditional row untouched
    # cond row: plain attention over the frame's keys plus a second copy of columns 0..L
    duplicated = torch.cat([context[1:], context[1:, :columns]], dim=1)
    expected = run_with(layer, AttnProcessor2_0(), hidden[1:], duplicated)
    assert torch.allclose(ours[1:], expected, atol=1e-5)
    assert not torch.allclose(ours[1:], stock[1:], atol=1e-4)


def store_identity(layer, run, processor, hidden, identity_context):
    run.storing, run.step = True, 0
    run_with(layer, processor, hidden, identity_context)
    run.storing = False


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_reference_equals_fast(layer, inputs, dropout):
    hidden, context = inputs
    columns = 5
    identity_context = context.clone()
    identity_context[:, columns:] = torch.randn(BATCH, KEYS - columns, CONTEXT)  # id-only prompt: other padding

    def make_run():
        generators = [torch.Generator().manual_seed(3)] if dropout else ()
        return IpcaRun(identity_columns=columns, dropout=dropout, generators=generators)

    fast_run, reference_run = make_run(), make_run()
    reference = IdentityCrossAttnProcessor(reference_run, mode="reference")
    store_identity(layer, reference_run, reference, hidden, identity_context)
    assert reference.store[0][0].shape == (1, 2, KEYS, 8)
    fast = run_with(layer, IdentityCrossAttnProcessor(fast_run), hidden, context)
    slow = run_with(layer, reference, hidden, context)
    assert torch.allclose(fast, slow, atol=1e-5)


def test_dropout_is_seeded_and_changes_output(layer, inputs):
    def once(seed, dropout=0.5):
        run = IpcaRun(identity_columns=5, dropout=dropout, generators=[torch.Generator().manual_seed(seed)])
        return run_with(layer, IdentityCrossAttnProcessor(run), *inputs)

    assert torch.equal(once(7), once(7))
    assert not torch.allclose(once(7), once(8))


def test_dropout_without_generators_fails_clearly(layer, inputs):
    with pytest.raises(ValueError, match="one generator per frame"):
        run_with(layer, IdentityCrossAttnProcessor(IpcaRun(identity_columns=5, dropout=0.3)), *inputs)


def test_boost_is_ln2():
    run = IpcaRun(identity_columns=2)
    processor = IdentityCrossAttnProcessor(run)
    q = torch.zeros(2, 1, 1, 4)
    k = torch.zeros(2, 1, 3, 4)
    v = torch.eye(3, 4).expand(2, 1, 3, 4)
    out = processor._fast(q, k, v, slice(1, None))
    # equal logits: cond weights 2:2:1 over the 3 keys, uncond 1:1:1
    assert torch.allclose(out[1, 0, 0, :3], torch.tensor([0.4, 0.4, 0.2]))
    assert torch.allclose(out[0, 0, 0, :3], torch.full((3,), 1 / 3))


def test_install_and_restore_on_error(tiny_pipe):
    unet = tiny_pipe.unet
    before = dict(unet.attn_processors)
    with pytest.raises(RuntimeError):
        with identity_preserving_attention(unet, lambda name: IdentityCrossAttnProcessor(IpcaRun(1))) as installed:
            assert len(installed) == 8 and all(name.endswith("attn2.processor") for name in installed)
            assert all(isinstance(unet.attn_processors[n], IdentityCrossAttnProcessor) for n in installed)
            assert not any(
                isinstance(p, IdentityCrossAttnProcessor)
                for n, p in unet.attn_processors.items()
                if n.endswith("attn1.processor")
            )
            raise RuntimeError("boom")
    after = unet.attn_processors
    assert after.keys() == before.keys() and all(after[n] is before[n] for n in before)
