"""landing_records: one row per line of the new landing files (JSONL) or per extract row (CSV/Parquet, as a JSON
object), for partitions inside the window and files no earlier run loaded (control loaded_files).

Discovery lists the landing zone (dbutils.fs) as <source>/<event_type>/ingest_date=<date>/<file>; a format with
no file is simply absent. Reading a listed file that fails (corrupt, unreadable) fails the run with the path and
the cause: it is never mistaken for "no file of this format".
"""
import re

from .lake import control_location, entry_name, has_delta_log, is_dir, ls, qualified
from .vocabulary import EVENT_TYPES, SOURCE_SYSTEMS

COLUMNS = ["source_system", "event_type", "ingest_date", "source_file", "line_no", "record_format", "raw_line"]
EMPTY = """SELECT CAST(NULL AS STRING) AS source_system, CAST(NULL AS STRING) AS event_type,
    CAST(NULL AS DATE) AS ingest_date, CAST(NULL AS STRING) AS source_file, CAST(NULL AS BIGINT) AS line_no,
    CAST(NULL AS STRING) AS record_format, CAST(NULL AS STRING) AS raw_line WHERE false"""


class LandingReadError(RuntimeError):
    pass


def loaded_files(spark, dbutils, lake_root):
    path = control_location(lake_root, "loaded_files")
    if not has_delta_log(dbutils, path):
        return set()
    return {r[0] for r in spark.read.format("delta").load(path).select("source_file").distinct().collect()}


def list_landing(spark, dbutils, lake_root, params):
    """New landing files of the window: dicts with path (under the zone root), rel (`landing/<source>/...`, the
    lake-relative name bronze records), source, type, date and ext."""
    root = lake_root("landing")
    loaded = loaded_files(spark, dbutils, lake_root)
    start, end = params["window_start_date"], params["window_end_date"]
    files = []
    for source in sorted(entry_name(e) for e in ls(dbutils, root) if is_dir(e)):
        if source not in SOURCE_SYSTEMS:
            continue
        for etype in sorted(entry_name(e) for e in ls(dbutils, f"{root}/{source}") if is_dir(e)):
            if etype not in EVENT_TYPES:
                continue
            for part in sorted(entry_name(e) for e in ls(dbutils, f"{root}/{source}/{etype}") if is_dir(e)):
                m = re.fullmatch(r"ingest_date=(\d{4}-\d{2}-\d{2})", part)
                if not m or (start and m.group(1) < start) or (end and m.group(1) >= end):
                    continue
                for f in sorted(ls(dbutils, f"{root}/{source}/{etype}/{part}"), key=entry_name):
                    ext = re.search(r"\.(jsonl|csv|parquet)$", entry_name(f))
                    if is_dir(f) or not ext:
                        continue
                    rel = f"landing/{source}/{etype}/{part}/{entry_name(f)}"
                    if rel not in loaded:
                        files.append({"path": f"{root}/{source}/{etype}/{part}/{entry_name(f)}", "rel": rel,
                                      "source": source, "type": etype, "date": m.group(1), "ext": ext.group(1)})
    return files


def _read(what, paths, read):
    try:
        df = read()
        df.schema  # noqa: B018 — forces the listing/footer read here, where the error can name the files
        return df
    except Exception as e:  # noqa: BLE001 — re-raised with the files it concerns
        shown = ", ".join(paths[:5]) + (f" (+{len(paths) - 5} more)" if len(paths) > 5 else "")
        raise LandingReadError(f"landing: cannot read {what} {shown}: {type(e).__name__}: {e}") from e


def _with_position(df, F, Window):
    order = Window.partitionBy("source_file").orderBy(F.monotonically_increasing_id())
    return df.withColumn("line_no", F.row_number().over(order).cast("bigint"))


def landing_frame(spark, lake_root, files):
    """The landing_records DataFrame over `files` (see list_landing), or None when there are none."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    frames = []
    jsonl = [f for f in files if f["ext"] == "jsonl"]
    if jsonl:
        paths = [f["path"] for f in jsonl]
        # Lines end at \n only (as in the DuckDB adapter); a trailing \r is trimmed.
        df = _read("JSONL files", paths, lambda: spark.read.option("lineSep", "\n").text(paths))
        root = qualified(spark, lake_root("landing")) + "/"
        path = F.col("_metadata.file_path")
        # The path below the landing zone's root: <source>/<event_type>/ingest_date=<date>/<file>.
        rel = F.when(path.startswith(root), F.substring(path, len(root) + 1, 100000)).otherwise(
            F.raise_error(F.concat(F.lit(f"landing file outside the landing root {root}: "), path)))
        parts = F.split(rel, "/")
        df = (df.withColumn("rel", rel)
              .select(parts.getItem(0).alias("source_system"), parts.getItem(1).alias("event_type"),
                      F.to_date(F.substring(parts.getItem(2), 13, 10)).alias("ingest_date"),
                      F.concat(F.lit("landing/"), F.col("rel")).alias("source_file"),
                      F.lit("jsonl").alias("record_format"),
                      F.regexp_replace(F.col("value"), "\\r+$", "").alias("raw_line")))
        frames.append(_with_position(df, F, Window))
    for f in files:
        if f["ext"] == "jsonl":
            continue
        if f["ext"] == "csv":
            df = _read("CSV file", [f["path"]], lambda: spark.read.option("header", True).csv(f["path"]))
        else:
            df = _read("Parquet file", [f["path"]], lambda: spark.read.parquet(f["path"]))
        raw = F.to_json(F.struct(*[F.col(f"`{c}`") for c in df.columns]), {"ignoreNullFields": "false"})
        df = df.select(F.lit(f["source"]).alias("source_system"), F.lit(f["type"]).alias("event_type"),
                       F.lit(f["date"]).cast("date").alias("ingest_date"), F.lit(f["rel"]).alias("source_file"),
                       F.lit(f["ext"]).alias("record_format"), raw.alias("raw_line"))
        frames.append(_with_position(df, F, Window))
    if not frames:
        return None
    df = frames[0]
    for other in frames[1:]:
        df = df.unionByName(other)
    return df.select(*COLUMNS)


def register_landing(spark, dbutils, lake_root, params):
    """Creates the landing_records temp view; returns the files it covers (for control loaded_files)."""
    files = list_landing(spark, dbutils, lake_root, params)
    df = landing_frame(spark, lake_root, files)
    if df is None:
        spark.sql(f"CREATE OR REPLACE TEMP VIEW landing_records AS {EMPTY}")
    else:
        try:
            df = df.localCheckpoint()
        except Exception as e:  # noqa: BLE001 — a file that fails while its lines are read
            raise LandingReadError(f"landing: reading {len(files)} file(s) under {lake_root('landing')} failed: "
                                   f"{type(e).__name__}: {e}") from e
        df.createOrReplaceTempView("landing_records")
    return files
