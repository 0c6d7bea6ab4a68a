"""Scores of the paraphrase tables by kind: `python tests/language/score.py [build|held] [kind…] [-v]`.

For held-out rows only the counts are printed (never the rows), so they stay unseen while building."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tables import KINDS, idea_problems, plan_row, problems, rows, run_row  # noqa: E402

split = sys.argv[1] if len(sys.argv) > 1 else "build"
kinds = [a for a in sys.argv[2:] if not a.startswith("-")] or KINDS
total = passed_all = 0
for kind in kinds:
    passed = 0
    table = rows(split, kind)
    for row in table:
        try:
            bad = idea_problems(row, plan_row(row)) if kind == "ideas" else problems(row, *run_row(row))
        except Exception as error:  # a crash is a failed row
            bad = [f"error {error!r}"]
        passed += not bad
        if bad and split == "build" and "-v" in sys.argv:
            said = row.get("say") or row.get("sequence") or row.get("idea")
            print(f"  {kind}: {said!r:.90}: {'; '.join(bad)[:200]}")
    total, passed_all = total + len(table), passed_all + passed
    print(f"{split} {kind}: {passed}/{len(table)}", flush=True)
print(f"{split} total: {passed_all}/{total}")
