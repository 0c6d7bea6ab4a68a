"""Convert OpenAI CLIP's BPE table into the vocab.json/merges.txt pair HF tokenizers read.

Usage: python scripts/convert_clip_vocab.py path/to/open_clip_torch-*.whl generator/assets/clip_tokenizer

The source is ``open_clip/bpe_simple_vocab_16e6.txt.gz`` in the open_clip_torch wheel (MIT). The ids
produced are the real CLIP ids (49406 = <|startoftext|>, 49407 = <|endoftext|>), the same ones SDXL's
two tokenizers use, so token counts in tests match real SDXL exactly.
"""

import gzip
import json
import sys
import zipfile
from pathlib import Path

BPE_MEMBER = "open_clip/bpe_simple_vocab_16e6.txt.gz"
MERGE_COUNT = 49152 - 256 - 2  # CLIP keeps the first 48,894 merges of the table


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible byte → printable character table."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars), strict=True))


def main(wheel: str, out_dir: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        lines = gzip.decompress(archive.read(BPE_MEMBER)).decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : MERGE_COUNT + 1]]
    base = list(bytes_to_unicode().values())
    tokens = base + [piece + "</w>" for piece in base] + ["".join(pair) for pair in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vocab = {token: index for index, token in enumerate(tokens)}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    merges_text = "#version: 0.2\n" + "\n".join(" ".join(pair) for pair in merges) + "\n"
    (out / "merges.txt").write_text(merges_text, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
