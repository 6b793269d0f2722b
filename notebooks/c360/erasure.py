"""Erasure (rules as in pipeline/core/erasure.ts): requests in the control zone's erasure/*.jsonl, expanded to every
source id resolved to the same customer_key; rows whose @erase_by column holds one are deleted; bronze rows'
landing lines are blanked; quarantined records naming an erased id as a JSON string are removed. The same rule says
which rows a person export holds (export.py): expanded_requests_sql, person_columns, quarantine_matcher. Both
spellings are held to the same cases: tests/pipeline/erasure-rules.cases.json."""
import json
import re

from .lake import entry_name, is_dir, ls
from .vocabulary import LAYERS

NO_REQUESTS = ("SELECT CAST(NULL AS STRING) AS customer_id, CAST(NULL AS TIMESTAMP) AS requested_at, "
               "CAST(NULL AS STRING) AS request_id WHERE false")


def _identifier(s):
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", s):
        raise ValueError(f"invalid identifier {s}")
    return s


def expanded_requests_sql(requests, identity_exists, carried):
    """`requests` (customer_id first, then `carried`) plus, with the identity map, a row per other source id resolved
    to the same customer_key as a requested id (carrying the request's columns)."""
    cols = [_identifier(c) for c in carried]
    own = f"SELECT {', '.join(['customer_id', *cols])} FROM {requests}"
    if not identity_exists:
        return own
    return f"""{own} UNION SELECT {', '.join(['i2.source_customer_id', *[f'r.{c}' for c in cols]])} FROM {requests} AS r
       JOIN silver.customer_identity AS i1 ON i1.source_customer_id = r.customer_id
       JOIN silver.customer_identity AS i2 ON i2.customer_key = i1.customer_key"""


def expanded_erasure_sql(requests, identity_exists):
    return expanded_requests_sql(requests, identity_exists, ["requested_at", "request_id"])


def person_rows_condition(columns, ids):
    """SQL: one of `columns` holds a customer_id of the relation `ids`."""
    return " OR ".join(f"{_identifier(c)} IN (SELECT customer_id FROM {_identifier(ids)})" for c in columns)


def person_columns(model, columns):
    """The columns naming the person a row is about: the @erase_by columns; else the resolved customer_key (gold marts,
    the identity map); none for a table with neither (no one's rows)."""
    if model["erase_by"]:
        return model["erase_by"]
    return ["customer_key"] if "customer_key" in columns else []


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


def quarantine_matcher(ids):
    """line → the parsed quarantine record when its raw record names one of `ids` as a JSON string ("C3", never
    "C33"), else None. Textual on purpose: a quarantined line is often unparseable."""
    ids = [i for i in ids if i]
    if not ids:
        return lambda line: None
    tokens = [json.dumps(i, ensure_ascii=False) for i in ids]
    any_id = re.compile("|".join(re.escape(i) for i in ids))

    def matches(line):
        if line == "" or not any_id.search(line):
            return None
        rec = json.loads(line)
        return rec if any(t in (rec.get("record") or "") for t in tokens) else None
    return matches


def landing_position_of(rec):
    """(source_file, line_no) of a quarantined bronze record (its landing line is the person's too), else None."""
    if rec.get("stage") == "bronze" and rec.get("source_file") and rec.get("line_no"):
        return rec["source_file"], int(rec["line_no"])
    return None


def purge_quarantine_lines(lines, ids):
    """(lines kept, landing positions of removed bronze records): a record goes when quarantine_matcher matches it."""
    matches = quarantine_matcher(ids)
    keep, positions = [], []
    for line in lines:
        rec = matches(line)
        if rec is None:
            keep.append(line)
            continue
        position = landing_position_of(rec)
        if position:
            positions.append(position)
    return keep, positions


def blank_lines(lines, numbers):
    """Blanks the 1-based line numbers in place; returns how many were blanked (empty/out of range not counted)."""
    blanked = 0
    for n in numbers:
        if 1 <= n <= len(lines) and lines[n - 1] != "":
            lines[n - 1] = ""
            blanked += 1
    return blanked


def read_whole(spark, path):
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
        lines = read_whole(spark, path).split("\n")
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
            lines = read_whole(spark, path).split("\n")
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
