"""The given/expected fixtures beside the models (models/<layer>/<name>.test.json; format in
tests/pipeline/model-fixtures.ts) on Spark, as tests/pipeline/model-fixtures.test.ts runs them on DuckDB: the model's
own SQL over the given rows (typed as the models produce them: landing_records empty, every model's output by its SQL
over empty inputs), the rows its drop rules keep and those they quarantine with the first reason, compared as text."""
import glob
import json
import os
import re

import pytest
from c360.landing import EMPTY
from c360.materialize import first_failure, sql_string
from c360.models import parse_model
from c360.runner import register_run_context
from conftest import REPO

MODELS = os.path.join(REPO, "models")
RUN = {"load_id": "fixture", "run_at": "2024-06-01T00:00:00Z", "window_start_date": None, "window_end_date": None,
       "as_of_date": "2024-06-01", "environment": "local"}
BASE = {"landing_records": EMPTY,
        "control_erasure": "SELECT CAST(NULL AS STRING) AS customer_id, CAST(NULL AS TIMESTAMP) AS requested_at, "
                           "CAST(NULL AS STRING) AS request_id WHERE false"}


def all_models():
    out = {}
    for path in sorted(glob.glob(os.path.join(MODELS, "*", "*.sql"))):
        layer = os.path.basename(os.path.dirname(path))
        m = parse_model(layer, path)
        out[m["id"]] = m
    return out


def fixture_cases():
    out = []
    for path in sorted(glob.glob(os.path.join(MODELS, "*", "*.test.json"))):
        model = f"{os.path.basename(os.path.dirname(path))}.{os.path.basename(path)[:-len('.test.json')]}"
        with open(path, encoding="utf-8") as f:
            fixture = json.load(f)
        out += [(model, fixture, case) for case in fixture["cases"]]
    return out


def scd2_columns(model):
    """The columns an SCD2 table has beyond its model's SELECT (its version's end and whether it is current)."""
    return f", m.{model['valid_from']} AS valid_to, true AS is_current" if model["materialized"] == "scd2" else ""


def view(relation):
    """Temp views cannot live in a schema: silver.orders is the temp view silver__orders."""
    return relation.replace(".", "__")


def local_sql(sql):
    """The model's SQL reading the fixture's temp views instead of the lake's tables."""
    return re.sub(r"\b(bronze|silver|gold)\.([a-z_][a-z0-9_]*)\b", r"\1__\2", sql)


def text(v):
    """A value as the fixtures write it: NULL, a boolean, or its text (numbers, decimals, dates)."""
    return v if v is None or isinstance(v, bool) else str(v)


class Relations:
    def __init__(self, spark, models):
        self.spark, self.models, self.made = spark, models, set()

    def empty(self, relation):
        """Creates `relation` empty, typed as the pipeline gives it (its inputs first)."""
        if relation in self.made:
            return
        if relation == "run_context":
            register_run_context(self.spark, RUN)
        elif relation in BASE:
            self.spark.sql(BASE[relation]).createOrReplaceTempView(relation)
        else:
            upstream = self.models[relation]
            for name in upstream["inputs"]:
                self.empty(name)
            self.spark.sql(f"SELECT m.*{scd2_columns(upstream)} FROM ({local_sql(upstream['sql'])}) AS m WHERE false") \
                .localCheckpoint().createOrReplaceTempView(view(relation))
        self.made.add(relation)

    def fill(self, relation, rows, defaults):
        name = view(relation)
        types = dict(self.spark.table(name).dtypes)
        selects = []
        for given in rows:
            row = {**defaults, **given}
            unknown = sorted(set(row) - set(types))
            assert not unknown, f"{relation} has no column {unknown}"
            cols = []
            for col, typ in types.items():
                v = row.get(col)
                lit = "NULL" if v is None else sql_string(json.dumps(v) if isinstance(v, (dict, list)) else
                                                         str(v).lower() if isinstance(v, bool) else str(v))
                cols.append(f"CAST({lit} AS {typ}) AS `{col}`")
            selects.append("SELECT " + ", ".join(cols))
        sql = " UNION ALL ".join(selects) if selects else f"SELECT * FROM {name} WHERE false"
        self.spark.sql(sql).localCheckpoint().createOrReplaceTempView(name)


def projected(actual, expected):
    cols = list(expected[0].keys()) if expected else []
    key = lambda r: json.dumps(r, sort_keys=True, default=str)  # noqa: E731
    return (sorted(({c: text(r.get(c)) for c in cols} for r in actual), key=key),
            sorted(({c: text(v) for c, v in r.items()} for r in expected), key=key))


CASES = fixture_cases()


@pytest.mark.parametrize("model_id, fixture, case", CASES, ids=[f"{m}: {c['name']}" for m, _, c in CASES])
def test_the_model_gives_the_expected_rows_on_spark(spark, model_id, fixture, case):
    models = all_models()
    model = models[model_id]
    relations = Relations(spark, models)
    for name in model["inputs"]:
        relations.empty(name)
    for relation, rows in case["given"].items():
        assert relation in model["inputs"], f"{relation} is not an input of {model_id}"
        relations.fill(relation, rows, fixture.get("defaults", {}).get(relation, {}))
    drops = [e for e in model["expectations"] if e["action"] == "drop"]
    reason = first_failure(drops, "code") if drops else "CAST(NULL AS STRING)"
    out = spark.sql(f"SELECT *, {reason} AS __reason FROM ({local_sql(model['sql'])}) AS m").collect()
    kept = [r.asDict() for r in out if r["__reason"] is None]
    rejected = [{**r.asDict(), "reason": r["__reason"]} for r in out if r["__reason"] is not None]
    actual, expected = projected(kept, case["expect"]["rows"])
    assert actual == expected
    actual, expected = projected(rejected, case["expect"].get("quarantined", []))
    assert actual == expected
