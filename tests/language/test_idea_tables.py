"""Ideas in the words people use, from the paraphrase table of ideas: the character, the count, the twist last,
no word said to the app in a frame. Build rows are scored with a floor; held-out rows are scored unseen."""

import pytest
from tables import idea_problems, plan_row, rows

BUILD_FLOOR = 0.8
HELD_FLOOR = 0.7


@pytest.mark.parametrize("split, floor", [("build", BUILD_FLOOR), ("held", HELD_FLOOR)])
def test_idea_rows_score(split, floor):
    table = rows(split, "ideas")
    passed = sum(not idea_problems(row, plan_row(row)) for row in table)
    print(f"{split} ideas: {passed}/{len(table)}")
    assert passed >= floor * len(table)
