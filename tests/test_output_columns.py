"""Output tables are declared once (planner/outputs/columns.csv): writers are held to it and the
docs are generated from it."""
import re
from pathlib import Path

import pandas as pd
import pytest

from planner.outputs.columns import OutputContractError, check_columns, columns_of, declared, markdown
from planner.outputs.tables import write_csv

ROOT = Path(__file__).resolve().parents[1]


def test_docs_outputs_page_is_generated_from_the_declaration():
    assert (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8") == markdown()


@pytest.mark.parametrize("file", ["capacity.csv", "elements.csv", "flows.csv", "portfolio.csv"])
def test_readme_lists_the_declared_columns(file):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{file}` |"))
    # every backticked column name in the row, in order (file names left out)
    listed = [name for group in re.findall(r"`([^`]+)`", row.split("|")[2]) for name in group.split(", ")
              if not name.endswith(".csv")]
    assert listed == [c.name for c in columns_of(file)]


def test_element_columns_expand_over_the_magnet_elements():
    names = [c.name for c in columns_of("sweep.csv")]
    assert [n for n in names if n.startswith("domestic_t_")] == ["domestic_t_Nd", "domestic_t_Pr", "domestic_t_Dy",
                                                                 "domestic_t_Tb"]


def test_a_table_that_does_not_match_its_declaration_is_not_written(tmp_path):
    frame = pd.DataFrame({"site_id": ["a"], "technology": ["sx"]})
    with pytest.raises(OutputContractError, match="capacity.csv: expected column site_name, got technology"):
        write_csv(frame, tmp_path / "capacity.csv")
    with pytest.raises(OutputContractError, match="notes.csv is not declared"):
        write_csv(frame, tmp_path / "notes.csv")
    assert list(tmp_path.iterdir()) == []


def test_wildcards_take_user_named_columns_and_optional_columns_may_be_absent():
    check_columns("comparison.csv", ["section", "item", "metric", "baseline", "my run", "differs"])
    check_columns("sweep.csv", [c.name for c in columns_of("sweep.csv") if not c.wildcard])
    check_columns("sweep.csv", ["capex_multiplier"] + [c.name for c in columns_of("sweep.csv") if not c.wildcard])
    without_rank = [c.name for c in columns_of("scorecard.csv") if not c.optional]
    assert "rank" not in without_rank and "regret" not in without_rank
    check_columns("scorecard.csv", without_rank)
    with pytest.raises(OutputContractError, match=r"undeclared columns \['extra'\]"):
        check_columns("elements.csv", [c.name for c in columns_of("elements.csv")] + ["extra"])


def test_every_declared_column_has_a_type_and_a_definition():
    for file, cols in declared().items():
        for c in cols:
            assert c.type in ("text", "number", "bool", "any"), (file, c.name)
            assert c.definition, (file, c.name)
