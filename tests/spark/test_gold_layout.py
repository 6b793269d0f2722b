"""Gold tables rebuilt in full are written once, in their @zorder order (materialize.sorted_write), with no OPTIMIZE
pass rewriting them after the run; and a table a model created is trusted by the next attach_lake without reading
its Delta log again."""
import json

from c360 import lake as lake_module
from c360.lake import attach_lake, lake_paths, location
from c360.materialize import run_model, sorted_write
from c360.models import parse_model
from conftest import dbutils


def test_a_full_gold_table_is_written_in_zorder_order_in_one_commit(spark, zones, tmp_path):
    spark.conf.set("c360.zone_roots", json.dumps(zones))
    lake_root = lake_paths(spark)
    path = tmp_path / "layout_t.sql"
    # keys arrive in reverse order, spread over several input partitions
    path.write_text("-- @materialized full\n-- @zorder customer_key\n"
                    "SELECT concat('C', lpad(CAST(100 - id AS STRING), 3, '0')) AS customer_key, id AS n "
                    "FROM range(0, 100, 1, 4)", encoding="utf-8")
    model = parse_model("gold", str(path))
    assert sorted_write(model)
    attach_lake(spark, dbutils(), lake_root)
    summary, _ = run_model(spark, dbutils(), lake_root, model, {"load_id": "L1", "run_at": "2024-05-01T00:00:00Z"}, 0)
    assert summary["rowsWritten"] == 100
    where = location(lake_root, "gold", "layout_t")
    ops = [r.operation for r in spark.sql(f"DESCRIBE HISTORY delta.`{where}`").collect()]
    assert ops == ["CREATE OR REPLACE TABLE AS SELECT"]
    # each file holds a key range and the ranges follow each other: the files in path order read as sorted keys
    files = sorted(spark.read.format("delta").load(where).inputFiles())
    keys = [r.customer_key for f in files for r in spark.read.parquet(f).collect()]
    assert keys == sorted(keys) and len(keys) == 100


def test_a_full_gold_table_without_zorder_is_written_as_selected(spark, zones, tmp_path):
    spark.conf.set("c360.zone_roots", json.dumps(zones))
    lake_root = lake_paths(spark)
    path = tmp_path / "plain_t.sql"
    path.write_text("-- @materialized full\nSELECT id AS n FROM range(3)", encoding="utf-8")
    model = parse_model("gold", str(path))
    attach_lake(spark, dbutils(), lake_root)
    summary, _ = run_model(spark, dbutils(), lake_root, model, {"load_id": "L1", "run_at": "2024-05-01T00:00:00Z"}, 0)
    assert summary["rowsWritten"] == 3
    assert sorted(r.n for r in spark.read.format("delta").load(location(lake_root, "gold", "plain_t")).collect()) == [0, 1, 2]


def test_attach_lake_trusts_a_table_the_session_created_at_its_location(spark, zones, tmp_path, monkeypatch):
    spark.conf.set("c360.zone_roots", json.dumps(zones))
    lake_root = lake_paths(spark)
    path = tmp_path / "trusted_t.sql"
    path.write_text("-- @materialized full\nSELECT 1 AS k", encoding="utf-8")
    attach_lake(spark, dbutils(), lake_root)
    run_model(spark, dbutils(), lake_root, parse_model("silver", str(path)),
              {"load_id": "L1", "run_at": "2024-05-01T00:00:00Z"}, 0)
    details = []
    original = spark.sql
    monkeypatch.setattr(spark, "sql", lambda q, *a, **k: (details.append(q) if q.startswith("DESCRIBE DETAIL") else None)
                        or original(q, *a, **k))
    attach_lake(spark, dbutils(), lake_root)
    assert details == [] and spark.catalog.tableExists("silver.trusted_t")
    assert lake_module._registered[(spark.sparkContext.applicationId, "silver.trusted_t")] == location(
        lake_root, "silver", "trusted_t")
