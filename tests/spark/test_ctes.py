"""The CTE split that lets Spark compute a model's shared CTEs once (c360/ctes.py); no Spark needed."""
import glob
import os

from c360.ctes import references, split_ctes
from conftest import REPO

SQL = """-- header (with a paren
WITH a AS (
  SELECT ')' AS x, 1 AS n -- a comment )
),

b AS (SELECT * FROM a AS a1 JOIN a AS a2 ON a1.n = a2.n)

SELECT 'FROM b' AS y FROM b CROSS JOIN a AS z"""


def test_split_keeps_each_cte_body_and_the_final_select():
    ctes, final = split_ctes(SQL)
    assert [n for n, _ in ctes] == ["a", "b"]
    assert "')' AS x" in ctes[0][1] and ctes[1][1].strip().startswith("SELECT * FROM a AS a1")
    assert final.strip().startswith("SELECT 'FROM b' AS y FROM b")


def test_references_count_relations_read_not_strings_or_columns():
    ctes, final = split_ctes(SQL)
    assert references("a", ctes[1][1]) == 2 and references("a", final) == 1
    assert references("b", final) == 1
    assert references("x", "SELECT s.x FROM t AS s") == 0


def test_a_model_without_with_is_left_alone():
    assert split_ctes("SELECT 1 AS x") == ([], "SELECT 1 AS x")


def test_every_model_splits_into_ctes_that_end_in_its_final_select():
    for path in glob.glob(os.path.join(REPO, "models", "*", "*.sql")):
        text = open(path, encoding="utf-8").read()
        ctes, final = split_ctes(text)
        if "\nWITH " in "\n" + text:
            assert ctes, path
            assert final.strip().upper().startswith("SELECT"), path
