"""Write `known_failures.yaml`: the build rows that fail today, each with what goes wrong (`python
tests/language/known.py`). The table test marks them xfail(strict): a row that starts to pass must leave the list,
so the list only shrinks by fixing, and the score in the closing note is the list's length."""

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tables import KINDS, problems, rows, run_row  # noqa: E402

failing = {}
for kind in KINDS:
    for index, row in enumerate(rows("build", kind)):
        try:
            bad = problems(row, *run_row(row))
        except Exception as error:  # a crash is a failure too
            bad = [f"error {error!r}"]
        if bad:
            failing[f"{kind}-{index}"] = "; ".join(bad)[:160]
out = Path(__file__).with_name("known_failures.yaml")
header = "# Build rows that fail today and why (written by tests/language/known.py; only ever shrinks).\n"
out.write_text(header + yaml.safe_dump(failing, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
print(f"{len(failing)} failing build rows written to {out}")
