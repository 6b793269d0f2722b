"""Erasure (rules as in pipeline/core/erasure.ts): requests in the control zone's erasure/*.jsonl, expanded to every
source id resolved to the same customer_key; rows whose @erase_by column holds one are deleted; bronze rows'
landing lines are blanked; quarantined records naming an erased id as a JSON string are removed."""
import json
import re

from .lake import entry_name, is_dir, ls
from .vocabulary import LAYERS

NO_REQUESTS = ("SELECT CAST(NULL AS STRING) AS customer_id, CAST(NULL AS TIMESTAMP) AS requested_at, "
               "CAST(NULL AS STRING) AS request_id WHERE false")


def expanded_erasure_sql(requests, identity_exists):
    if not identity_exists:
        return f"SELECT * FROM {requests}"
    return f"""SELECT * FROM {requests} UNION SELECT i2.source_customer_id, r.requested_at, r.request_id FROM {requests} AS r
       JOIN silver.customer_identity AS i1 ON i1.source_customer_id = r.customer_id
       JOIN silver.customer_identity AS i2 ON i2.customer_key = i1.customer_key"""


def register_erasure(spark, dbutils, lake_root):
    """control_erasure(customer_id, requested_at, request_id); returns the number of (expanded) requests."""
    folder = f"{lake_root('control')}/erasure"
    files = [e.path for e in ls(dbutils, folder) if not is_dir(e) and entry_name(e).endswith(".jsonl")]
    if files:
        spark.read.option("lineSep", "\n").text(sorted(files)).createOrReplaceTempView("erasure_lines")
        base = """SELECT DISTINCT get_json_object(value, '$.customerId') AS customer_id,
                  TRY_CAST(get_json_object(value, '$.requestedAt') AS TIMESTAMP) AS requested_at,
                  get_json_object(value, '$.requestId') AS request_id
                  FROM erasure_lines WHERE get_json_object(value, '$.customerId') IS NOT NULL"""
    else:
        base = NO_REQUESTS
    spark.sql(f"CREATE OR REPLACE TEMP VIEW erasure_requests AS {base}")
    expanded = expanded_erasure_sql("erasure_requests", spark.catalog.tableExists("silver.customer_identity"))
    df = spark.sql(expanded).localCheckpoint()
    df.createOrReplaceTempView("control_erasure")
    return df.count()


def erased_rows_condition(model, requests, alias=""):
    """SQL: the model's rows of erased customers ('' without requests this run)."""
    if requests == 0:
        return ""
    return " OR ".join(f"{alias}{c} IN (SELECT customer_id FROM control_erasure)" for c in model["erase_by"])


def purge_quarantine_lines(lines, ids):
    """(lines kept, landing positions of removed bronze records): a record goes when its raw record names an
    erased id as a JSON string ("C3", never "C33"). Textual on purpose: a quarantined line is often unparseable."""
    ids = [i for i in ids if i]
    if not ids:
        return lines, []
    tokens = [json.dumps(i, ensure_ascii=False) for i in ids]
    any_id = re.compile("|".join(re.escape(i) for i in ids))
    keep, positions = [], []
    for line in lines:
        if line == "" or not any_id.search(line):
            keep.append(line)
            continue
        rec = json.loads(line)
        if not any(t in (rec.get("record") or "") for t in tokens):
            keep.append(line)
            continue
        if rec.get("stage") == "bronze" and rec.get("source_file") and rec.get("line_no"):
            positions.append((rec["source_file"], int(rec["line_no"])))
    return keep, positions


def blank_lines(lines, numbers):
    """Blanks the 1-based line numbers in place; returns how many were blanked (empty/out of range not counted)."""
    blanked = 0
    for n in numbers:
        if 1 <= n <= len(lines) and lines[n - 1] != "":
            lines[n - 1] = ""
            blanked += 1
    return blanked


def _read_whole(spark, path):
    rows = spark.read.text(path, wholetext=True).collect()
    return rows[0][0] if rows else ""


def blank_landing_lines(spark, dbutils, lake_root, positions):
    """Each JSONL line whose bronze row was erased becomes an empty line (positions stay; bronze skips empty
    lines). `positions` are (source_file, line_no) with source_file lake-relative (`landing/<path in the zone>`),
    mapped onto the landing zone's root. Returns the number of lines blanked."""
    by_file = {}
    for rel, line_no in positions:
        if rel and rel.startswith("landing/") and line_no:
            by_file.setdefault(rel, set()).add(int(line_no))
    blanked = 0
    for rel, numbers in sorted(by_file.items()):
        inside = rel[len("landing/"):]
        if ".." in inside.split("/"):
            continue
        path = f"{lake_root('landing')}/{inside}"
        lines = _read_whole(spark, path).split("\n")
        n = blank_lines(lines, sorted(numbers))
        if n:
            dbutils.fs.put(path, "\n".join(lines), True)
            blanked += n
    return blanked


def quarantine_files(dbutils, path):
    out = []
    for e in ls(dbutils, path):
        if is_dir(e):
            out += quarantine_files(dbutils, e.path)
        elif entry_name(e).endswith(".jsonl"):
            out.append(e.path)
    return out


def purge_quarantine(spark, dbutils, lake_root, ids):
    """Removes quarantined records naming an erased id (any layer); returns (records removed, landing positions of
    the bronze ones). A file left empty is deleted."""
    if not [i for i in ids if i]:
        return 0, []
    removed, positions = 0, []
    for layer in LAYERS:
        for path in quarantine_files(dbutils, f"{lake_root('quarantine')}/{layer}"):
            lines = _read_whole(spark, path).split("\n")
            keep, pos = purge_quarantine_lines(lines, ids)
            if len(keep) == len(lines):
                continue
            removed += len(lines) - len(keep)
            positions += pos
            if all(line == "" for line in keep):
                dbutils.fs.rm(path)
            else:
                dbutils.fs.put(path, "\n".join(keep), True)
    return removed, positions
