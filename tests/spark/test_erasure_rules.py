"""One erasure rule, two spellings: notebooks/c360/erasure.py (the Databricks runtime cannot import TypeScript) and
the engine-neutral core pipeline/core/erasure.ts are held to the same cases, tests/pipeline/erasure-rules.cases.json
(tests/pipeline/erasure-rules.test.ts runs them against the TypeScript side). No Spark session: pure functions."""
import json
import re

import pytest

from c360.erasure import (blank_lines, erased_rows_condition, expanded_erasure_sql, expanded_requests_sql,
                          person_columns, person_rows_condition, purge_quarantine_lines)
from conftest import REPO

with open(f"{REPO}/tests/pipeline/erasure-rules.cases.json", encoding="utf-8") as f:
    CASES = json.load(f)


def expect_sql(case, build):
    """The SQL a case expects, or its error (the same message on both sides)."""
    if "error" in case:
        with pytest.raises(ValueError, match=f"^{re.escape(case['error'])}$"):
            build()
    else:
        assert build() == case["sql"]


@pytest.mark.parametrize("case", CASES["expandedRequestsSql"])
def test_expanded_requests(case):
    expect_sql(case, lambda: expanded_requests_sql(case["requests"], case["identityExists"], case["carried"]))


@pytest.mark.parametrize("case", CASES["expandedErasureSql"])
def test_expanded_erasure_requests(case):
    expect_sql(case, lambda: expanded_erasure_sql(case["requests"], case["identityExists"]))


@pytest.mark.parametrize("case", CASES["personRowsCondition"])
def test_a_persons_rows(case):
    expect_sql(case, lambda: person_rows_condition(case["columns"], case["ids"]))


@pytest.mark.parametrize("case", CASES["personColumns"])
def test_person_columns(case):
    assert person_columns({"erase_by": case["eraseBy"]}, case["columns"]) == case["person"]


@pytest.mark.parametrize("case", CASES["erasedRowsCondition"])
def test_erased_rows(case):
    expect_sql(case, lambda: erased_rows_condition({"erase_by": case["eraseBy"]}, case["requests"]))


@pytest.mark.parametrize("case", CASES["purgeQuarantineLines"])
def test_quarantine_purge(case):
    keep, positions = purge_quarantine_lines(list(case["lines"]), case["ids"])
    assert (keep, [list(p) for p in positions]) == (case["keep"], case["positions"])


@pytest.mark.parametrize("case", CASES["blankLines"])
def test_blanking_lines(case):
    lines = list(case["lines"])
    assert blank_lines(lines, case["numbers"]) == case["blanked"]
    assert lines == case["after"]
