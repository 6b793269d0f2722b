"""The person export step on Databricks (rules as in pipeline/core/export.ts; layout in contracts/person-export.ts):
every pending job (control zone exports/<jobId>/request.json without a manifest) gets the person's rows of every
store written beside its request — each bronze, silver and gold table (SCD2 history included), the landing lines of
their bronze rows and the batch quarantine records naming them — then manifest.json. Which rows are the person's is
erasure's rule (erasure.py), so an export holds what an erasure would remove."""
import json
import re
from datetime import datetime, timezone

from .erasure import (expanded_requests_sql, landing_position_of, person_columns, person_rows_condition,
                      quarantine_files, quarantine_matcher, read_whole)
from .lake import attach_lake, entry_name, is_dir, ls
from .materialize import sql_string
from .models import catalog_tables, load_models
from .session import JSON_TIMESTAMP_FORMAT, configure
from .vocabulary import LAYERS

REQUEST_FILE = "request.json"
MANIFEST_FILE = "manifest.json"
JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
STORE = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
# A table row as JSON: every column (NULL as null), timestamps as PERSON_EXPORT_TIMESTAMP (contracts/person-export.ts).
EXPORT_JSON_OPTIONS = f"map('ignoreNullFields', 'false', 'timestampFormat', {sql_string(JSON_TIMESTAMP_FORMAT)})"


def pending_jobs(folders):
    """Job ids with a request and no manifest yet, in name order (folders: [(job_id, [file names])])."""
    return sorted(j for j, files in folders if JOB_ID.match(j) and REQUEST_FILE in files and MANIFEST_FILE not in files)


def parse_export_request(job_id, text):
    """A job's request.json; ValueError with the reason when it is not a request for this job."""
    try:
        r = json.loads(text)
    except ValueError:
        raise ValueError(f"export job {job_id}: request.json is not JSON") from None
    if not isinstance(r, dict) or not isinstance(r.get("customerId"), str) or r["customerId"] == "":
        raise ValueError(f"export job {job_id}: request.json names no customerId")
    if r.get("jobId") != job_id:
        raise ValueError(f"export job {job_id}: request.json is for job {r.get('jobId')}")
    return {"jobId": job_id, "customerId": r["customerId"],
            "requestedAt": r["requestedAt"] if isinstance(r.get("requestedAt"), str) else ""}


def landing_lines_at(source_file, lines, numbers):
    """The person's landing lines of one file: (source_file, line_no, line) per wanted, non-empty line."""
    return [{"source_file": source_file, "line_no": n, "line": lines[n - 1]}
            for n in sorted(set(numbers)) if 1 <= n <= len(lines) and lines[n - 1] != ""]


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _store_file(store):
    if not STORE.match(store):
        raise ValueError(f"invalid export store: {store}")
    return f"{store}.jsonl"


def run_exports(spark, dbutils, lake_root, load_id="", now=_now):
    """Runs every pending export job; returns {"jobs": [...]} (the shape of pipeline/duckdb/export.ts
    ExportStepSummary). Nothing is attached or read when no job is pending."""
    root = f"{lake_root('control')}/exports"
    folders = [(entry_name(e), [entry_name(f) for f in ls(dbutils, e.path)]) for e in ls(dbutils, root) if is_dir(e)]
    jobs = pending_jobs(folders)
    summary = {"jobs": []}
    if not jobs:
        return summary
    configure(spark)
    # The models' own registrations (gold/customer_contacts → gold_contacts.customer_contacts), as the layer runs make
    # them: never a second registration of the contact view in schema gold.
    tables = catalog_tables()
    attach_lake(spark, dbutils, lake_root, tables)
    identity = spark.catalog.tableExists("silver.customer_identity")
    models = {m["id"]: m for layer in LAYERS for m in load_models(layer)}
    relations = _lake_relations(spark, tables)
    for job_id in jobs:
        folder = f"{root}/{job_id}"
        try:
            request = parse_export_request(job_id, read_whole(spark, f"{folder}/{REQUEST_FILE}"))
        except ValueError as e:
            manifest = {"jobId": job_id, "customerId": "", "requestedAt": "", "completedAt": now(), "status": "failed",
                        "error": str(e), "engine": "spark", "loadId": load_id, "sourceIds": [], "stores": {}}
        else:
            manifest = {**_export_job(spark, dbutils, lake_root, folder, request, identity, models, relations, now),
                        "loadId": load_id}
        dbutils.fs.put(f"{folder}/{MANIFEST_FILE}", json.dumps(manifest) + "\n", True)
        summary["jobs"].append({k: manifest[k] for k in ["jobId", "status", "sourceIds", "stores"]}
                               | ({"error": manifest["error"]} if "error" in manifest else {}))
    return summary


def _lake_relations(spark, tables):
    """[(store `<layer>.<name>`, metastore table)] of every lake table attach_lake registered, in store order."""
    out = [(f"{layer}.{t.tableName}", f"{layer}.{t.tableName}") for layer in LAYERS
           for t in spark.sql(f"SHOW TABLES IN {layer}").collect()
           # Temporary views (this session's erasure and run relations) are listed in every namespace.
           if not t.isTemporary and t.namespace == layer]
    out += [(f"{layer}.{name}", table) for (layer, name), table in tables.items() if spark.catalog.tableExists(table)]
    return sorted(out)


def _export_job(spark, dbutils, lake_root, folder, request, identity, models, relations, now):
    spark.createDataFrame([(request["customerId"], request["jobId"])], "customer_id STRING, job_id STRING") \
        .createOrReplaceTempView("export_request")
    ids = spark.sql(f"SELECT DISTINCT customer_id FROM ({expanded_requests_sql('export_request', identity, ['job_id'])})"
                    " WHERE customer_id IS NOT NULL").localCheckpoint()
    ids.createOrReplaceTempView("export_ids")
    source_ids = sorted(r[0] for r in ids.collect())
    stores, positions = {}, []

    def store(name, rows):
        if not rows:
            return {"rows": 0}
        file = _store_file(name)
        dbutils.fs.put(f"{folder}/{file}", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), True)
        return {"rows": len(rows), "file": file}

    for name, table in relations:
        columns = spark.table(table).columns
        by = person_columns(models.get(name, {"erase_by": []}), columns)
        if not by:
            continue
        rows = [json.loads(r[0]) for r in spark.sql(
            f"SELECT to_json(struct(*), {EXPORT_JSON_OPTIONS}) FROM {table} "
            f"WHERE {person_rows_condition(by, 'export_ids')}").collect()]
        if {"source_file", "line_no", "record_format"} <= set(columns):
            positions += [(r["source_file"], int(r["line_no"])) for r in rows
                          if r.get("record_format") == "jsonl" and r.get("source_file") and r.get("line_no")]
        stores[name] = store(name, rows)
    quarantine = _quarantine_records(spark, dbutils, lake_root, source_ids)
    positions += [p for p in (landing_position_of(r) for r in quarantine) if p]
    stores["quarantine"] = store("quarantine", quarantine)
    stores["landing"] = store("landing", _landing_lines(spark, lake_root, positions))
    return {**request, "completedAt": now(), "status": "complete", "engine": "spark", "sourceIds": source_ids,
            "stores": stores}


def _quarantine_records(spark, dbutils, lake_root, ids):
    """Batch quarantine records naming one of the ids, with their file (`quarantine/<path in the zone>`) and line."""
    matches = quarantine_matcher(ids)
    root = lake_root("quarantine")
    out = []
    for layer in LAYERS:
        for path in sorted(quarantine_files(dbutils, f"{root}/{layer}")):
            rel = "quarantine/" + path[len(root) + 1:] if path.startswith(f"{root}/") else path
            for i, line in enumerate(read_whole(spark, path).split("\n")):
                rec = matches(line)
                if rec is not None:
                    out.append({"quarantine_file": rel, "quarantine_line": i + 1, **rec})
    return out


def _landing_lines(spark, lake_root, positions):
    """The landing lines at the positions (lake-relative `landing/…`, mapped onto the landing zone's root)."""
    by_file = {}
    for rel, n in positions:
        if rel and rel.startswith("landing/") and ".." not in rel.split("/"):
            by_file.setdefault(rel, []).append(n)
    out = []
    for rel in sorted(by_file):
        lines = read_whole(spark, f"{lake_root('landing')}/{rel[len('landing/'):]}").split("\n")
        out += landing_lines_at(rel, lines, by_file[rel])
    return out
