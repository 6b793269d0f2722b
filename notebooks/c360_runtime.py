# Databricks notebook source
# c360 runtime: the Databricks engine adapter (the DuckDB twin is pipeline/duckdb/engine.ts).
# It parses the SQL models' "-- @key value" headers, exposes the run context, landing records and erasure
# requests as temp views, runs each model with spark.sql, applies its expectations (warn / drop to quarantine /
# fail), and materializes it as a Delta table: full replace, MERGE on the unique key, or SCD2 versions.
# Business logic lives in models/ only. Loaded by bronze.py / silver.py / gold.py with %run.

# COMMAND ----------

import json
import os
import re
from datetime import datetime, timezone

LAYERS = ["bronze", "silver", "gold"]
EVENT_TYPES = ["customer_profile", "order", "behavioral_event", "support_interaction", "product"]


def read_params(dbutils):
    """Widgets = ADF / Databricks job base parameters: environment, window_start, window_end, load_id."""
    for name, default in [("environment", "dev"), ("window_start", ""), ("window_end", ""), ("load_id", "")]:
        dbutils.widgets.text(name, default)
    p = {k: dbutils.widgets.get(k) for k in ["environment", "window_start", "window_end", "load_id"]}
    now = datetime.now(timezone.utc)
    p["load_id"] = p["load_id"] or "load_" + now.strftime("%Y%m%dT%H%M%S")
    p["run_at"] = now.isoformat()
    p["window_start_date"] = p["window_start"][:10] or None
    p["window_end_date"] = p["window_end"][:10] or None
    p["as_of_date"] = p["window_end_date"] or now.date().isoformat()
    return p


def repo_root():
    # The notebooks live in <repo>/notebooks; models in <repo>/models (Databricks Repos / Git folders).
    here = os.getcwd()
    return os.path.dirname(here) if os.path.basename(here) == "notebooks" else here


def parse_model(layer, path):
    text = open(path, encoding="utf-8").read()
    meta, expectations = {}, []
    for line in text.splitlines():
        m = re.match(r"^--\s*@(\w+)\s+(.*)$", line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "expect":
            e = re.match(r"^(warn|drop|fail)\s+([a-z_]+)\s+([a-z0-9_]+)\s*:\s*(.+)$", value)
            if not e:
                raise ValueError(f"{path}: malformed @expect: {value}")
            expectations.append({"action": e.group(1), "code": e.group(2), "name": e.group(3), "condition": e.group(4).strip()})
        else:
            meta[key] = value
    split = lambda v: [s.strip() for s in (v or "").split(",") if s.strip()]
    name = os.path.basename(path)[:-4]
    return {
        "id": f"{layer}.{name}", "layer": layer, "name": name, "sql": text.rstrip().rstrip(";"),
        "materialized": meta.get("materialized", "full"), "unique_key": split(meta.get("unique_key")),
        "update_when": meta.get("update_when"), "valid_from": meta.get("valid_from"), "compare": meta.get("compare"),
        "erase_by": split(meta.get("erase_by")), "zorder": split(meta.get("zorder")), "inputs": split(meta.get("inputs")),
        "expectations": expectations, "export": meta.get("export"),
    }


def load_models(layer):
    folder = os.path.join(repo_root(), "models", layer)
    models = [parse_model(layer, os.path.join(folder, f)) for f in sorted(os.listdir(folder)) if f.endswith(".sql")]
    by_id, done, ordered = {m["id"]: m for m in models}, set(), []

    def visit(m):
        if m["id"] in done:
            return
        done.add(m["id"])
        for i in m["inputs"]:
            if i in by_id:
                visit(by_id[i])
        ordered.append(m)

    for m in models:
        visit(m)
    return ordered


MODEL_EVENT_TYPES = {
    "silver.orders": "order",
    "silver.customers": "customer_profile",
    "silver.behavioral_events": "behavioral_event",
    "silver.support_interactions": "support_interaction",
    "silver.products": "product",
}


def contract_fields(event_type):
    """Payload field names of every version of an event type, from contracts/schemas/<type>/<version>.json."""
    folder = os.path.join(repo_root(), "contracts", "schemas", event_type)
    fields = set()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            schema = json.load(open(os.path.join(folder, name), encoding="utf-8"))
            fields.update(schema["properties"]["payload"]["properties"].keys())
    return fields


def check_contracts(models):
    """Fail fast when a silver model's known payload fields miss a contract field (the contracts drifted): the
    model parses the whole payload as a map, and a field it does not know would only show up as rescued."""
    for model in models:
        event_type = MODEL_EVENT_TYPES.get(model["id"])
        if not event_type:
            continue
        lists = re.findall(r"split\('([A-Za-z,]+)', ','\) AS known_fields", model["sql"])
        known = {f for s in lists for f in s.split(",")}
        missing = contract_fields(event_type) - known
        if missing:
            raise RuntimeError(f"{model['id']}: known payload fields lack contract fields {sorted(missing)}")


def lake_paths(spark):
    """Root URI of each lake zone. In Azure the lake has one container per zone
    (abfss://<zone>@<account>.dfs.core.windows.net, as the infra and the functions create it);
    `c360.lake_root` instead puts every zone in a folder under one root (a mount or a test path)."""
    root = spark.conf.get("c360.lake_root", "")
    if root:
        return lambda zone: f"{root.rstrip('/')}/{zone}"
    account = spark.conf.get("c360.storage_account", "")
    if not account:
        raise ValueError("Spark conf c360.storage_account (or c360.lake_root) must be set: it names the lake")
    return lambda zone: f"abfss://{zone}@{account}.dfs.core.windows.net"


def setup(spark, params, lake_root):
    """Session settings, schemas and the run_context / control_erasure views the models read."""
    spark.sql("SET spark.sql.ansi.enabled = true")
    spark.sql("SET TIME ZONE 'UTC'")
    # A payload with a repeated key must not fail the run when a model parses it as MAP<STRING, STRING>: the last
    # value wins (Spark's default policy raises).
    spark.sql("SET spark.sql.mapKeyDedupPolicy = LAST_WIN")
    # Additive schema evolution, as the DuckDB adapter does: a column a model gains is added to the Delta table by
    # MERGE (NULL in the rows already there) instead of failing the run.
    spark.sql("SET spark.databricks.delta.schema.autoMerge.enabled = true")
    for layer in LAYERS:
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS {layer}")
    q = lambda v: "CAST(NULL AS DATE)" if v is None else f"DATE '{v}'"
    spark.sql(f"""CREATE OR REPLACE TEMP VIEW run_context AS SELECT
        '{params["load_id"]}' AS load_id, CAST('{params["run_at"]}' AS TIMESTAMP) AS run_at,
        {q(params["window_start_date"])} AS window_start_date, {q(params["window_end_date"])} AS window_end_date,
        {q(params["as_of_date"])} AS as_of_date, '{params["environment"]}' AS environment""")
    erasure = f"{lake_root('control')}/erasure/"
    try:
        spark.read.text(erasure + "*.jsonl").createOrReplaceTempView("erasure_lines")
        base = """SELECT DISTINCT get_json_object(value, '$.customerId') AS customer_id,
                  CAST(get_json_object(value, '$.requestedAt') AS TIMESTAMP) AS requested_at,
                  get_json_object(value, '$.requestId') AS request_id
                  FROM erasure_lines WHERE get_json_object(value, '$.customerId') IS NOT NULL"""
    except Exception:  # no erasure requests yet
        base = "SELECT CAST(NULL AS STRING) AS customer_id, CAST(NULL AS TIMESTAMP) AS requested_at, CAST(NULL AS STRING) AS request_id WHERE false"
    spark.sql(f"CREATE OR REPLACE TEMP VIEW erasure_requests AS {base}")
    if spark.catalog.tableExists("silver.customer_identity"):
        spark.sql("""CREATE OR REPLACE TEMP VIEW control_erasure AS SELECT * FROM erasure_requests UNION
            SELECT i2.source_customer_id, r.requested_at, r.request_id FROM erasure_requests AS r
            JOIN silver.customer_identity AS i1 ON i1.source_customer_id = r.customer_id
            JOIN silver.customer_identity AS i2 ON i2.customer_key = i1.customer_key""")
    else:
        spark.sql("CREATE OR REPLACE TEMP VIEW control_erasure AS SELECT * FROM erasure_requests")
    for name in ["model_runs", "expectation_results"]:
        if spark.catalog.tableExists(f"bronze._control_{name}"):
            spark.sql(f"CREATE OR REPLACE TEMP VIEW control_{name} AS SELECT * FROM bronze._control_{name}")
        else:
            cols = ("load_id, layer, model, CAST(NULL AS BIGINT) AS rows_in, CAST(NULL AS BIGINT) AS rows_out, CAST(NULL AS BIGINT) AS quarantined"
                    if name == "model_runs" else
                    "load_id, layer, model, layer AS rule, layer AS code, layer AS action, CAST(NULL AS BIGINT) AS failed, CAST(NULL AS BIGINT) AS rows_in")
            spark.sql(f"CREATE OR REPLACE TEMP VIEW control_{name} AS SELECT {cols} FROM (SELECT CAST(NULL AS STRING) AS load_id, CAST(NULL AS STRING) AS layer, CAST(NULL AS STRING) AS model) WHERE false")


def register_landing(spark, params, lake_root):
    """landing_records: one row per landing line (JSONL) or extract row (CSV/Parquet as JSON), new files only."""
    from pyspark.sql import functions as F

    loaded = set()
    if spark.catalog.tableExists("bronze._control_loaded_files"):
        loaded = {r[0] for r in spark.sql("SELECT source_file FROM bronze._control_loaded_files").collect()}
    frames = []
    for fmt in ["jsonl", "csv", "parquet"]:
        pattern = f"{lake_root('landing')}/*/*/ingest_date=*/*.{fmt}"
        try:
            if fmt == "jsonl":
                df = spark.read.text(pattern).withColumn("raw_line", F.col("value"))
            elif fmt == "csv":
                df = spark.read.option("header", True).csv(pattern)
                df = df.withColumn("raw_line", F.to_json(F.struct(*[F.col(c) for c in df.columns])))
            else:
                df = spark.read.parquet(pattern)
                df = df.withColumn("raw_line", F.to_json(F.struct(*[F.col(c) for c in df.columns])))
        except Exception:  # no file of this format
            continue
        path = F.col("_metadata.file_path")
        rel = F.regexp_extract(path, r"(landing/.*)$", 1)
        df = (df.withColumn("source_file", rel)
                .withColumn("source_system", F.split(rel, "/").getItem(1))
                .withColumn("event_type", F.split(rel, "/").getItem(2))
                .withColumn("ingest_date", F.to_date(F.regexp_extract(rel, r"ingest_date=(\d{4}-\d{2}-\d{2})", 1)))
                .withColumn("record_format", F.lit(fmt))
                .withColumn("line_no", F.row_number().over(
                    __import__("pyspark.sql.window", fromlist=["Window"]).Window.partitionBy("source_file")
                    .orderBy(F.monotonically_increasing_id())).cast("bigint")))
        frames.append(df.select("source_system", "event_type", "ingest_date", "source_file", "line_no", "record_format", "raw_line"))
    if not frames:
        spark.sql("""CREATE OR REPLACE TEMP VIEW landing_records AS SELECT CAST(NULL AS STRING) AS source_system,
            CAST(NULL AS STRING) AS event_type, CAST(NULL AS DATE) AS ingest_date, CAST(NULL AS STRING) AS source_file,
            CAST(NULL AS BIGINT) AS line_no, CAST(NULL AS STRING) AS record_format, CAST(NULL AS STRING) AS raw_line WHERE false""")
        return []
    df = frames[0]
    for f in frames[1:]:
        df = df.unionByName(f)
    df = df.where(F.col("event_type").isin(EVENT_TYPES))
    if params["window_start_date"]:
        df = df.where(F.col("ingest_date") >= F.lit(params["window_start_date"]).cast("date"))
    if params["window_end_date"]:
        df = df.where(F.col("ingest_date") < F.lit(params["window_end_date"]).cast("date"))
    if loaded:
        df = df.where(~F.col("source_file").isin(list(loaded)))
    df.cache().createOrReplaceTempView("landing_records")
    return [r[0] for r in df.select("source_file").distinct().collect()]


def location(lake_root, model):
    """Delta tables live at the lake layout's path: <lake>/<layer>/<table>/ (same as the local Parquet tables)."""
    return f"{lake_root(model['layer'])}/{model['name']}"


def run_model(spark, model, params, lake_root):
    """Stage → expectations → quarantine → Delta materialization; returns a summary dict like ModelSummary."""
    target = model["id"]
    stage = spark.sql(model["sql"]).cache()
    stage.createOrReplaceTempView("__stage")
    rows_in = stage.count()
    ok = lambda e: f"coalesce(({e['condition']}), false)"
    results = []
    for e in model["expectations"]:
        failed = spark.sql(f"SELECT count(*) FROM __stage WHERE NOT {ok(e)}").collect()[0][0]
        results.append({"name": e["name"], "code": e["code"], "action": e["action"], "failed": failed, "passed": failed == 0})
    failing = [r["name"] for r in results if r["action"] == "fail" and not r["passed"]]
    if failing:
        raise RuntimeError(f"{target}: fail expectation(s) not met: {', '.join(failing)}")
    drops = [e for e in model["expectations"] if e["action"] == "drop"]
    quarantined = 0
    if drops:
        reason = "CASE " + " ".join(f"WHEN NOT {ok(e)} THEN '{e['code']}'" for e in drops) + " END"
        rule = "CASE " + " ".join(f"WHEN NOT {ok(e)} THEN '{e['name']}'" for e in drops) + " END"
        cols = stage.columns
        record = "s.raw_record" if "raw_record" in cols else "to_json(struct(s.*))"
        pos = ("s.source_file" if "source_file" in cols else "CAST(NULL AS STRING)",
               "s.line_no" if "line_no" in cols else "CAST(NULL AS BIGINT)")
        all_ok = " AND ".join(ok(e) for e in drops)
        # An erased customer's failing rows are dropped without a quarantine copy (they are deleted below anyway).
        erased = " OR ".join(f"s.{c} IN (SELECT customer_id FROM control_erasure)" for c in model["erase_by"])
        not_erased = f" AND NOT coalesce({erased}, false)" if erased else ""
        q = spark.sql(f"""SELECT '{model['layer']}' AS stage, '{model['name']}' AS `table`, {reason} AS reason, {rule} AS rule,
            '{params['load_id']}' AS load_id, {pos[0]} AS source_file, {pos[1]} AS line_no, {record} AS record,
            current_timestamp() AS quarantined_at FROM __stage AS s WHERE NOT ({all_ok}){not_erased}""")
        quarantined = q.count()
        if quarantined:
            day = params["run_at"][:10]
            q.write.mode("overwrite").json(f"{lake_root('quarantine')}/{model['layer']}/{model['name']}/ingest_date={day}/{params['load_id']}")
        stage = spark.sql(f"SELECT * FROM __stage WHERE {all_ok}")
        stage.createOrReplaceTempView("__stage_ok")
    else:
        spark.sql("CREATE OR REPLACE TEMP VIEW __stage_ok AS SELECT * FROM __stage")
    cols = stage.columns
    exists = spark.catalog.tableExists(target)
    if model["materialized"] == "full" or (model["materialized"] == "incremental" and not exists):
        spark.sql(f"CREATE OR REPLACE TABLE {target} USING DELTA LOCATION '{location(lake_root, model)}' AS SELECT * FROM __stage_ok")
    elif model["materialized"] == "incremental":
        on = " AND ".join(f"t.{k} <=> s.{k}" for k in model["unique_key"])
        sets = ", ".join(f"t.{c} = s.{c}" for c in cols)
        # Without @update_when the MERGE is insert-only (matched rows are kept), as in the DuckDB adapter.
        matched = f"WHEN MATCHED AND ({model['update_when']}) THEN UPDATE SET {sets}" if model.get("update_when") else ""
        spark.sql(f"""MERGE INTO {target} AS t USING __stage_ok AS s ON {on}
            {matched}
            WHEN NOT MATCHED THEN INSERT ({', '.join(cols)}) VALUES ({', '.join('s.' + c for c in cols)})""")
    else:
        keys, vf, cmp, lst = ", ".join(model["unique_key"]), model["valid_from"], model["compare"], ", ".join(cols)
        if exists:
            # Existing versions in the model's current shape: typed NULLs for columns the table does not have yet.
            have, types = set(spark.table(target).columns), dict(stage.dtypes)
            projected = ", ".join(c if c in have else f"CAST(NULL AS {types[c]}) AS {c}" for c in cols)
            existing = f"SELECT {projected}, 0 AS __src FROM {target}"
        else:
            existing = f"SELECT {lst}, 0 AS __src FROM __stage_ok WHERE false"
        versions = spark.sql(f"""WITH all_versions AS ({existing} UNION ALL SELECT {lst}, 1 AS __src FROM __stage_ok),
            one_per_instant AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {keys}, {vf} ORDER BY {cmp} DESC, __src ASC) AS __rn
                                FROM all_versions) WHERE __rn = 1),
            changes AS (SELECT *, lag({cmp}) OVER (PARTITION BY {keys} ORDER BY {vf}) AS __prev FROM one_per_instant)
            SELECT {lst}, lead({vf}) OVER (PARTITION BY {keys} ORDER BY {vf}) AS valid_to,
                   lead({vf}) OVER (PARTITION BY {keys} ORDER BY {vf}) IS NULL AS is_current
            FROM changes WHERE __prev IS NULL OR __prev <> {cmp}""").localCheckpoint()
        versions.createOrReplaceTempView("__versions")
        spark.sql(f"CREATE OR REPLACE TABLE {target} USING DELTA LOCATION '{location(lake_root, model)}' AS SELECT * FROM __versions")
    erased_lines = []
    if model["erase_by"] and "landing_records" in model["inputs"]:
        # Bronze: where the erased rows came from, so run_layer blanks those landing lines too.
        cond = " OR ".join(f"{c} IN (SELECT customer_id FROM control_erasure)" for c in model["erase_by"])
        erased_lines = [(r[0], r[1]) for r in spark.sql(
            f"SELECT source_file, line_no FROM {target} WHERE record_format = 'jsonl' AND ({cond})").collect()]
    for col in model["erase_by"]:
        spark.sql(f"DELETE FROM {target} WHERE {col} IN (SELECT customer_id FROM control_erasure)")
    rows_out = spark.table(target).count()
    return {"model": target, "materialization": model["materialized"], "rowsIn": rows_in, "rowsOut": rows_out,
            "quarantined": quarantined, "expectations": results, "erasedLines": erased_lines}


def blank_landing_lines(spark, dbutils, lake_root, positions):
    """Erasure reaches the raw landing files, as in the DuckDB adapter: each JSONL line whose bronze row was erased
    becomes an empty line (positions stay; bronze skips empty lines). Returns the number of lines blanked."""
    by_file = {}
    for rel, line_no in positions:
        if rel and rel.startswith("landing/") and line_no:
            by_file.setdefault(rel, set()).add(int(line_no))
    blanked = 0
    for rel, numbers in sorted(by_file.items()):
        path = f"{lake_root('landing')}/{rel[len('landing/'):]}"
        lines = spark.read.text(path, wholetext=True).first()[0].split("\n")
        hits = [n for n in numbers if 1 <= n <= len(lines) and lines[n - 1] != ""]
        if not hits:
            continue
        for n in hits:
            lines[n - 1] = ""
        dbutils.fs.put(path, "\n".join(lines), True)
        blanked += len(hits)
    return blanked


def purge_quarantine(spark, dbutils, lake_root, ids):
    """Erasure reaches the batch quarantine, as in the DuckDB adapter: every quarantined record (quarantine/<layer>/
    ...) whose record names an erased id as a JSON string is removed from its file (deleted when nothing is left).
    Textual on purpose: a quarantined line is often not parseable. Returns (records removed, landing positions of the
    bronze ones), so run_layer blanks those landing lines too."""
    tokens = [json.dumps(i, ensure_ascii=False) for i in ids if i]
    if not tokens:
        return 0, []

    def files(path):
        try:
            entries = dbutils.fs.ls(path)
        except Exception:  # the zone or layer folder does not exist yet
            return []
        out = []
        for e in entries:
            if e.name.endswith("/"):
                out += files(e.path)
            elif e.name.endswith(".json"):
                out.append(e.path)
        return out

    removed, positions = 0, []
    for layer in LAYERS:
        for path in files(f"{lake_root('quarantine')}/{layer}"):
            lines = spark.read.text(path, wholetext=True).first()[0].split("\n")
            keep = []
            for line in lines:
                if line and any(t[1:-1] in line for t in tokens):
                    rec = json.loads(line)
                    if any(t in (rec.get("record") or "") for t in tokens):
                        if rec.get("stage") == "bronze" and rec.get("source_file") and rec.get("line_no"):
                            positions.append((rec["source_file"], int(rec["line_no"])))
                        continue
                keep.append(line)
            if len(keep) == len(lines):
                continue
            removed += len(lines) - len(keep)
            if all(line == "" for line in keep):
                dbutils.fs.rm(path)
            else:
                dbutils.fs.put(path, "\n".join(keep), True)
    return removed, positions


def export_json_lines(spark, model, params, lake_root):
    """@export jsonl: the table as JSON lines in <layer>/_exports/<name>/load_id=<id>/part-*.json (exportPath in
    contracts/lake-layout.ts), read by the profile traits sync, which has no Delta reader. Spark leaves NULL fields
    out of each line; the reader treats a missing field as NULL."""
    path = f"{lake_root(model['layer'])}/_exports/{model['name']}/load_id={params['load_id']}"
    spark.table(model["id"]).write.mode("overwrite").json(path)


def optimize(spark, model):
    """Gold tables: compact and co-locate by the model's @zorder columns."""
    if model["zorder"]:
        spark.sql(f"OPTIMIZE {model['id']} ZORDER BY ({', '.join(model['zorder'])})")
    else:
        spark.sql(f"OPTIMIZE {model['id']}")


def record_run(spark, params, layer, summaries):
    rows = [(params["load_id"], layer, s["model"], s["rowsIn"], s["rowsOut"], s["quarantined"]) for s in summaries]
    if rows:
        spark.createDataFrame(rows, "load_id string, layer string, model string, rows_in long, rows_out long, quarantined long") \
            .write.mode("append").saveAsTable("bronze._control_model_runs")
    exp = [(params["load_id"], layer, s["model"], e["name"], e["code"], e["action"], e["failed"], s["rowsIn"])
           for s in summaries for e in s["expectations"]]
    if exp:
        spark.createDataFrame(exp, "load_id string, layer string, model string, rule string, code string, action string, failed long, rows_in long") \
            .write.mode("append").saveAsTable("bronze._control_expectation_results")


def view_name(model):
    """Spark temp views cannot live in a schema: silver.event_deliveries is the temp view silver__event_deliveries."""
    return f"{model['layer']}__{model['name']}"


def with_views(models):
    """View models (@materialized view) of a layer → (CREATE TEMP VIEW statements, the other models with their
    references to the views renamed). A temp view, not a catalog view: it reads the run_context and
    control_erasure temp views, which a permanent view may not."""
    views = [m for m in models if m["materialized"] == "view"]
    statements = [f"CREATE OR REPLACE TEMP VIEW {view_name(v)} AS {v['sql']}" for v in views]
    renamed = []
    for m in models:
        if m["materialized"] == "view":
            continue
        sql = m["sql"]
        for v in views:
            sql = re.sub(rf"\b{v['layer']}\.{v['name']}\b", view_name(v), sql)
        renamed.append({**m, "sql": sql})
    return statements, renamed


def run_layer(spark, dbutils, layer, lake_root):
    params = read_params(dbutils)
    setup(spark, params, lake_root)
    files = register_landing(spark, params, lake_root) if layer == "bronze" else []
    summaries = []
    statements, models = with_views(load_models(layer))
    check_contracts(models)
    for statement in statements:
        spark.sql(statement)
    erased_lines = []
    for model in models:
        summary = run_model(spark, model, params, lake_root)
        erased_lines += summary.pop("erasedLines")
        summaries.append(summary)
        if layer == "gold":
            optimize(spark, model)
        if model.get("export") == "jsonl":
            export_json_lines(spark, model, params, lake_root)
    ids = [r[0] for r in spark.sql("SELECT DISTINCT customer_id FROM control_erasure WHERE customer_id IS NOT NULL").collect()]
    purged, quarantined_lines = purge_quarantine(spark, dbutils, lake_root, ids)
    if layer == "bronze":
        erased_lines += quarantined_lines
    blanked = blank_landing_lines(spark, dbutils, lake_root, erased_lines) if erased_lines else 0
    record_run(spark, params, layer, summaries)
    if files:
        spark.createDataFrame([(f, params["load_id"]) for f in files], "source_file string, load_id string") \
            .write.mode("append").saveAsTable("bronze._control_loaded_files")
    summary = {"layer": layer, "loadId": params["load_id"], "status": "succeeded", "models": summaries,
               "erasedLandingLines": blanked, "erasedQuarantineRecords": purged}
    if any(m["id"] == DATA_QUALITY_MODEL for m in models):
        summary["dataQuality"] = data_quality(spark, params["load_id"])
    return summary


# The gold model whose rows of this load the gold summary carries (BATCH_DATA_QUALITY in contracts/metrics.ts):
# the notebook's exit value, which Data Factory logs in ADFActivityRun.Output, where the batch data-quality alert
# reads it.
DATA_QUALITY_MODEL = "gold.data_quality_scores"


def data_quality(spark, load_id):
    """The load's rows of gold.data_quality_scores, shaped as pipeline/core/summary.ts dataQualityScores()."""
    def num(v):
        return None if v is None else float(v)
    rows = spark.sql(f"SELECT * FROM {DATA_QUALITY_MODEL} WHERE load_id = :load_id ORDER BY table_name",
                     args={"load_id": load_id}).collect()
    return [{"table": r["table_name"], "score": float(r["dq_score"]),
             "status": "healthy" if r["status"] == "healthy" else "degraded",
             "belowLevel": [x for x in (r["below_level"] or "").split(",") if x],
             **{d: num(r[d]) for d in ["completeness", "accuracy", "consistency", "timeliness", "validity", "uniqueness"]}}
            for r in rows]
