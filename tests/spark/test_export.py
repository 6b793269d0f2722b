"""The person export step on local Spark + Delta (notebooks/c360/export.py, what notebooks/export.py runs), over a
lake laid out as in Azure: bronze by the bronze notebook, silver and gold tables at their lake locations. The export
holds the person's rows under every source id the identity map resolves to them, the landing lines of their bronze
rows and quarantined records, and nothing of anyone else."""
import json
import os
import re
from datetime import datetime

from c360.export import pending_jobs
from c360.notebook import run_export_notebook, run_notebook
from conftest import dbutils, write
from test_runtime import DAY, envelope, use_zones


def delta(spark, path, rows, schema):
    spark.createDataFrame(rows, schema).write.format("delta").mode("overwrite").save(path)


def job_files(zones, job):
    folder = f"{zones['control']}/exports/{job}"
    return {f: open(f"{folder}/{f}", encoding="utf-8").read() for f in os.listdir(folder)}


def lines(text):
    return [json.loads(line) for line in text.strip().split("\n")]


def test_export_step_writes_every_store_of_the_person_and_nothing_else(spark, zones):
    use_zones(spark, zones)
    landing = f"{zones['landing']}/ecommerce/order/{DAY}/b1.jsonl"
    torn = '{"eventId": "q", "customerId": "C3", "payload": '  # unparseable, names C3
    write(landing, "\n".join([envelope("o1", "C3"), envelope("o2", "C33"), torn, envelope("o3", "POS-9")]) + "\n")
    assert run_notebook(spark, dbutils(load_id="L1"), "bronze")["status"] == "succeeded"
    delta(spark, f"{zones['silver']}/customers",
          [("C3", "BRONZE", "2024-04-01", False), ("C3", "GOLD", "2024-05-01", True), ("C33", "GOLD", "2024-05-01", True)],
          "customer_id STRING, loyalty_tier STRING, valid_from STRING, is_current BOOLEAN")
    delta(spark, f"{zones['silver']}/customer_identity", [("C3", "C3"), ("POS-9", "C3"), ("C33", "C33")],
          "source_customer_id STRING, customer_key STRING")
    delta(spark, f"{zones['silver']}/products", [("P1", "Apparel")], "product_id STRING, category STRING")
    delta(spark, f"{zones['gold']}/customer_360", [("C3", 2), ("C33", 1)], "customer_key STRING, orders BIGINT")
    # The contact view, registered apart from schema gold (@catalog_schema gold_contacts).
    delta(spark, f"{zones['gold']}/customer_contacts", [("C3", "c3@example.org"), ("C33", "c33@example.org")],
          "customer_key STRING, email STRING")
    write(f"{zones['control']}/exports/job-c3/request.json",
          json.dumps({"jobId": "job-c3", "customerId": "POS-9", "requestedAt": "2024-05-02T00:00:00Z"}))
    write(f"{zones['control']}/exports/job-torn/request.json", "{not json")

    summary = run_export_notebook(spark, dbutils(load_id="L9"))
    assert [(j["jobId"], j["status"], j.get("error")) for j in summary["jobs"]] == [
        ("job-c3", "complete", None), ("job-torn", "failed", "export job job-torn: request.json is not JSON")]
    assert run_export_notebook(spark, dbutils()) == {"jobs": []}  # finished jobs are not run again

    files = job_files(zones, "job-c3")
    manifest = json.loads(files["manifest.json"])
    assert (manifest["engine"], manifest["customerId"], manifest["loadId"]) == ("spark", "POS-9", "L9")
    assert manifest["sourceIds"] == ["C3", "POS-9"]
    assert {s: v["rows"] for s, v in manifest["stores"].items()} == {
        "bronze.events": 2, "silver.customers": 2, "silver.customer_identity": 2, "gold.customer_360": 1,
        "gold.customer_contacts": 1, "quarantine": 1, "landing": 3}
    assert [r["email"] for r in lines(files["gold.customer_contacts.jsonl"])] == ["c3@example.org"]
    # ... read where the layer runs register it: the export made no second registration in schema gold.
    assert spark.catalog.tableExists("gold_contacts.customer_contacts")
    assert not spark.catalog.tableExists("gold.customer_contacts")
    assert sorted(r["loyalty_tier"] for r in lines(files["silver.customers.jsonl"])) == ["BRONZE", "GOLD"]
    assert sorted(r["event_id"] for r in lines(files["bronze.events.jsonl"])) == ["o1", "o3"]
    # Timestamps as ISO 8601 UTC with milliseconds (PERSON_EXPORT_TIMESTAMP, contracts/person-export.ts: the DuckDB
    # export's text too), the instant the table holds (its unix_millis).
    stamps = [f.name for f in spark.table("bronze.events").schema.fields if f.dataType.typeName() == "timestamp"]
    held = {r["event_id"]: r for r in spark.sql(
        f"SELECT event_id, {', '.join(f'unix_millis({c}) AS {c}' for c in stamps)} FROM bronze.events").collect()}
    exported = [(r[c], held[r["event_id"]][c]) for r in lines(files["bronze.events.jsonl"]) for c in stamps
                if r[c] is not None]
    assert len(exported) >= 4
    for text, millis in exported:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", text), text
        assert round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000) == millis, text
    assert [(r["line_no"], r["line"]) for r in lines(files["landing.jsonl"])] == [
        (1, envelope("o1", "C3")), (3, torn), (4, envelope("o3", "POS-9"))]
    assert all(r["source_file"] == f"landing/ecommerce/order/{DAY}/b1.jsonl" for r in lines(files["landing.jsonl"]))
    [q] = lines(files["quarantine.jsonl"])
    assert (q["stage"], q["record"], q["quarantine_file"].startswith("quarantine/bronze/")) == ("bronze", torn, True)
    assert not any('"C33"' in text for text in files.values())
    assert json.loads(job_files(zones, "job-torn")["manifest.json"])["status"] == "failed"


def test_pending_jobs_are_requests_without_a_manifest():
    assert pending_jobs([("b", ["request.json"]), ("a", ["request.json", "x.jsonl"]),
                         ("done", ["request.json", "manifest.json"]), ("empty", []), ("..", ["request.json"])]) == ["a", "b"]
