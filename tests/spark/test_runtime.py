"""The runtime on a real local SparkSession and Delta Lake, over a lake laid out as in Azure (one root per zone,
no zone name in any path): the notebook entry point, bronze, landing read errors, erasure."""
import json
import os
import re

import pytest
from c360.landing import LandingReadError
from c360.notebook import run_notebook
from c360.session import RUN_CONFS
from conftest import dbutils, write

DAY = "ingest_date=2024-05-01"


def envelope(event_id, customer, amount=10, **extra):
    return json.dumps({"eventId": event_id, "eventType": "order", "schemaVersion": "1.0", "source": "ecommerce",
                       "occurredAt": "2024-05-01T10:00:00Z", "customerId": customer,
                       "payload": {"orderId": event_id, "customerId": customer, "totalAmount": amount}, **extra})


def use_zones(spark, zones):
    spark.conf.set("c360.zone_roots", json.dumps(zones))


def bronze_rows(spark, zones):
    return [r.asDict() for r in spark.read.format("delta").load(f"{zones['bronze']}/events")
            .orderBy("source_file", "line_no").collect()]


def test_a_run_sets_the_job_clusters_session_confs(spark, zones):
    use_zones(spark, zones)
    spark.conf.set("spark.sql.ansi.enabled", "false")
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    run_notebook(spark, dbutils(load_id="L0"), "bronze")
    assert {k: spark.conf.get(k) for k in RUN_CONFS} == RUN_CONFS
    # Adaptive execution turned off by a cluster or an earlier notebook is set back (see c360/session.py).
    assert spark.conf.get("spark.sql.adaptive.enabled") == "true"


def test_bronze_over_zone_roots_without_the_zone_name_in_the_path(spark, zones):
    # The old runtime cut the lake-relative name out of the path with the regex (landing/.*)$: no match under
    # <tmp>/acct/c1, so source_file was "" and to_date("") failed under ANSI mode, as in Azure (abfss://landing@...).
    use_zones(spark, zones)
    write(f"{zones['landing']}/ecommerce/order/{DAY}/b1.jsonl",
          "\n".join([envelope("o1", "C1"), "{this is not json", "", envelope("o2", "C2", traceId="t"),
                     envelope("o3", "C3").replace('"', "'")]) + "\n")
    summary = run_notebook(spark, dbutils(load_id="L1"), "bronze")
    assert summary["status"] == "succeeded", summary
    [events] = summary["models"]
    # Single-quoted "JSON" is unparseable in both engines (Spark's parser accepts it unless told not to).
    assert (events["rowsIn"], events["quarantined"], events["rowsOut"]) == (4, 2, 2)
    rows = bronze_rows(spark, zones)
    assert [(r["source_file"], r["line_no"], r["event_id"], str(r["ingest_date"]), r["source_system"]) for r in rows] == [
        (f"landing/ecommerce/order/{DAY}/b1.jsonl", 1, "o1", "2024-05-01", "ecommerce"),
        (f"landing/ecommerce/order/{DAY}/b1.jsonl", 4, "o2", "2024-05-01", "ecommerce"),
    ]
    assert rows[1]["rescued_fields"] == "traceId"
    q = f"{zones['quarantine']}/bronze/events"
    [day] = os.listdir(q)
    records = [json.loads(line) for line in open(f"{q}/{day}/L1.jsonl", encoding="utf-8")]
    assert [(r["reason"], r["line_no"]) for r in records] == [("unparseable", 2), ("unparseable", 5)]
    assert records[0]["record"] == "{this is not json"
    # When, as ISO 8601 UTC with milliseconds, the DuckDB adapter's text too (JSON_TIMESTAMP_FORMAT).
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", records[0]["quarantined_at"])
    # A second run loads nothing new: the file is in the control zone's loaded_files.
    again = run_notebook(spark, dbutils(load_id="L2"), "bronze")
    assert again["models"][0]["rowsIn"] == 0 and len(bronze_rows(spark, zones)) == 2


def test_a_corrupt_landing_file_fails_the_run_with_its_path_and_cause(spark, zones):
    # The old runtime caught every exception of the read as "no file of this format" and loaded nothing silently.
    use_zones(spark, zones)
    write(f"{zones['landing']}/ecommerce/order/{DAY}/b1.jsonl", envelope("o1", "C1") + "\n")
    bad = f"{zones['landing']}/catalog/product/{DAY}/extract.parquet"
    write(bad, "this is not a parquet file")
    with pytest.raises(LandingReadError) as err:
        run_notebook(spark, dbutils(load_id="L1"), "bronze")
    assert bad in str(err.value) and "parquet" in str(err.value).lower()
    assert not os.path.exists(f"{zones['bronze']}/events")


def test_erasure_blanks_landing_lines_and_purges_the_quarantine(spark, zones):
    use_zones(spark, zones)
    landing = f"{zones['landing']}/ecommerce/order/{DAY}/b1.jsonl"
    bad_c3 = '{"eventId": "q", "customerId": "C3", "payload": '  # unparseable, names C3
    write(landing, "\n".join([envelope("o1", "C3"), envelope("o2", "C33"), bad_c3]) + "\n")
    assert run_notebook(spark, dbutils(load_id="L1"), "bronze")["status"] == "succeeded"
    write(f"{zones['control']}/erasure/r1.jsonl", json.dumps({"customerId": "C3", "requestId": "r1"}) + "\n")
    summary = run_notebook(spark, dbutils(load_id="L2"), "bronze")
    assert (summary["erasedLandingLines"], summary["erasedQuarantineRecords"]) == (2, 1)
    assert [r["customer_id"] for r in bronze_rows(spark, zones)] == ["C33"]
    assert open(landing, encoding="utf-8").read().split("\n") == ["", envelope("o2", "C33"), "", ""]
    assert not any(files for _, _, files in os.walk(f"{zones['quarantine']}/bronze"))
