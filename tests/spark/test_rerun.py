"""Reruns leave no trace on the Databricks runtime (as tests/pipeline/rerun.test.ts on DuckDB): the same window run
again under the same load id (a retried job) leaves every table as it was, data-quality metrics included, and writes
no quarantine record twice. The models are the repository's, limited to bronze, the silver tables
gold.data_quality_metrics reads and that model (two runs of every gold model would take minutes on local Spark and
test nothing more here). A new load id over the same window is the parity suite's rerun
(tests/pipeline/parity.test.ts): Spark's tables and quarantine records equal DuckDB's, whose rerun test
(tests/pipeline/rerun.test.ts) pins that such a load writes no record twice and leaves the metrics as they were."""
import json
import os
import shutil

from c360.notebook import run_notebook
from conftest import REPO, dbutils, write

DAY = "ingest_date=2024-05-01"
WINDOW = {"window_start": "2024-05-01", "window_end": "2024-05-02"}
# Columns holding the wall clock of the run that computed a row.
CLOCK = {"computed_at"}


def order(event_id, customer, total):
    return json.dumps({"eventId": event_id, "eventType": "order", "schemaVersion": "1.0", "source": "ecommerce",
                       "occurredAt": "2024-05-01T10:00:00Z", "customerId": customer,
                       "payload": {"orderId": event_id, "customerId": customer, "orderedAt": "2024-05-01T10:00:00Z",
                                   "channel": "ECOMMERCE", "transactionType": "PURCHASE", "status": "COMPLETED",
                                   "currency": "USD", "totalAmount": total,
                                   "items": [{"itemId": "1", "productId": "P1", "category": "Books", "quantity": 1,
                                              "unitPrice": total, "totalPrice": total}]}})


MODELS = {"bronze": ["events"],
          "silver": ["event_deliveries", "customers", "orders", "order_items", "behavioral_events",
                     "support_interactions", "products"],
          "gold": ["data_quality_metrics"]}


def models_subset(target):
    for layer, names in MODELS.items():
        os.makedirs(f"{target}/{layer}")
        for name in names:
            shutil.copy(f"{REPO}/models/{layer}/{name}.sql", f"{target}/{layer}/{name}.sql")
    return str(target)


def run(spark, zones, load_id, models_dir):
    spark.conf.set("c360.zone_roots", json.dumps(zones))
    for layer in ["bronze", "silver", "gold"]:
        summary = run_notebook(spark, dbutils(load_id=load_id, **WINDOW), layer, models_dir=models_dir)
        assert summary["status"] == "succeeded", summary


def tables(spark, zones, omit):
    """Every Delta table of the layer zones as its sorted rows, without the `omit` columns."""
    out = {}
    for layer in ["bronze", "silver", "gold"]:
        for name in sorted(os.listdir(zones[layer])):
            if os.path.isdir(f"{zones[layer]}/{name}/_delta_log"):
                df = spark.read.format("delta").load(f"{zones[layer]}/{name}")
                df = df.select(*[c for c in df.columns if c not in omit])
                out[f"{layer}.{name}"] = sorted(json.dumps(r.asDict(), default=str, sort_keys=True) for r in df.collect())
    return out


def quarantine_lines(zones):
    return [line for folder, _, files in os.walk(zones["quarantine"]) for f in files if f.endswith(".jsonl")
            for line in open(os.path.join(folder, f), encoding="utf-8").read().split("\n") if line]


def test_the_same_window_again_leaves_every_table_and_the_quarantine_as_it_was(spark, zones, tmp_path):
    models = models_subset(tmp_path / "models")
    write(f"{zones['landing']}/ecommerce/order/{DAY}/o.jsonl",
          "\n".join([order("O1", "C1", 10), "{this is not json", order("O2", "C2", -5), order("O3", "C1", 20)]) + "\n")
    run(spark, zones, "A", models)
    before = tables(spark, zones, CLOCK)
    lines = quarantine_lines(zones)
    assert {json.loads(line)["stage"] for line in lines} == {"bronze", "silver"}
    assert "gold.data_quality_metrics" in before

    # the same load again (a retried job): every table identical, the metrics included; the quarantine as it was
    run(spark, zones, "A", models)
    assert tables(spark, zones, CLOCK) == before
    assert sorted(quarantine_lines(zones)) == sorted(lines)



def test_the_quarantine_key_and_run_stamps_are_the_engine_neutral_cores():
    """materialize.py spells pipeline/core/expectations.ts's RUN_STAMP_COLUMNS and quarantineKeySql in Python: the
    same columns and the same SQL, or the engines would key the same record differently."""
    from c360.materialize import RUN_STAMP_COLUMNS, quarantine_key

    core = open(f"{REPO}/pipeline/core/expectations.ts", encoding="utf-8").read()
    stamps = core[core.index("export const RUN_STAMP_COLUMNS = ["):]
    assert stamps[:stamps.index("]") + 1].split("= ")[1] == json.dumps(RUN_STAMP_COLUMNS)
    template = core[core.index("export const quarantineKeySql"):]
    template = template[template.index("`") + 1:]
    template = template[:template.index("`")]
    names = ["stage", "table", "sourceFile", "lineNo", "record"]
    assert template == quarantine_key(*[f"${{{n}}}" for n in names])
