"""The expressions of tests/engine/semantics.json give the same answer on Spark (the confs every run sets) as the
DuckDB shims must (tests/pipeline/portability.test.ts runs the same cases there)."""
import json
import os

import pytest
from conftest import REPO

with open(os.path.join(REPO, "tests", "engine", "semantics.json"), encoding="utf-8") as f:
    CASES = json.load(f)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_spark_gives_the_agreed_answer(spark, case):
    assert spark.sql(case["sql"]).first()["v"] == case["expected"]
