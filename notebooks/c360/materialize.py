"""One model on Spark: stage its SELECT, check expectations, quarantine, materialize as Delta (full replace, MERGE
on the unique key, SCD2 versions), erase. Semantics as in pipeline/core/expectations.ts and the DuckDB adapter."""
from .ctes import register_ctes
from .erasure import erased_rows_condition
from .lake import entry_name, is_dir, location, ls, registered_at
from .session import JSON_TIMESTAMP_FORMAT


def sql_string(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def passes(e):
    """A row passes a rule only when its condition is TRUE (NULL fails)."""
    return f"coalesce(({e['condition']}), false)"


def first_failure(drops, field):
    return "CASE " + " ".join(f"WHEN NOT {passes(e)} THEN {sql_string(e[field])}" for e in drops) + " END"


def stage_counts(spark, model, relation, quarantine_sql, keep_sql):
    """One pass over the staged rows: rows in, each expectation's failures, rows to quarantine, rows to keep."""
    checks = [f"count_if(NOT {passes(e)})" for e in model["expectations"]]
    row = spark.sql(f"SELECT count(*), {', '.join(checks + [f'count_if({quarantine_sql})', f'count_if({keep_sql})'])}"
                    f" FROM {relation} AS s").first()
    results = [{"name": e["name"], "code": e["code"], "action": e["action"], "failed": int(row[i + 1]),
                "passed": int(row[i + 1]) == 0} for i, e in enumerate(model["expectations"])]
    return int(row[0]), results, int(row[-2]), int(row[-1])


# Columns that say which run wrote a row, left out of a quarantine record built from the row (RUN_STAMP_COLUMNS in
# pipeline/core/expectations.ts): the same rejected row gives the same record in every load.
RUN_STAMP_COLUMNS = ["load_id", "processed_at", "ingested_at", "run_at", "computed_at"]
QUARANTINE_FIELDS = "stage STRING, `table` STRING, source_file STRING, line_no BIGINT, record STRING"


def quarantine_key(stage, table, source_file, line_no, record):
    """A quarantine record's identity: hash of stage, table, source file, line and record (quarantineKeySql in
    pipeline/core/expectations.ts, the same SQL)."""
    return (f"sha2(concat_ws('|', {stage}, {table}, coalesce({source_file}, ''), "
            f"coalesce(CAST({line_no} AS STRING), ''), coalesce({record}, '')), 256)")


def quarantine_file(load_id, taken):
    """<load_id>.jsonl, or <load_id>-<n>.jsonl with the first n not taken: an earlier file is never overwritten."""
    names, n = set(taken), 0
    while (f"{load_id}.jsonl" if n == 0 else f"{load_id}-{n}.jsonl") in names:
        n += 1
    return f"{load_id}.jsonl" if n == 0 else f"{load_id}-{n}.jsonl"


def quarantine_files(dbutils, table_folder):
    """Every quarantine file of a table (all ingest_date folders)."""
    return sorted(f.path for day in ls(dbutils, table_folder) if is_dir(day)
                  for f in ls(dbutils, day.path) if entry_name(f).endswith(".jsonl"))


def write_quarantine(spark, dbutils, lake_root, model, params, rows):
    """Writes the quarantine records the table's quarantine does not hold yet (by key) as one JSON-lines file:
    <quarantine>/<layer>/<table>/ingest_date=<run day>/<load_id>.jsonl, ordered by source_file, line_no, record (as
    the DuckDB adapter). A new load over the same files, or a rerun, writes no record twice."""
    table_folder = f"{lake_root('quarantine')}/{model['layer']}/{model['name']}"
    folder = f"{table_folder}/ingest_date={params['run_at'][:10]}"
    keyed = rows.selectExpr("*", f"{quarantine_key('stage', '`table`', 'source_file', 'line_no', 'record')} AS record_key")
    earlier = quarantine_files(dbutils, table_folder)
    if earlier:
        held = spark.read.schema(QUARANTINE_FIELDS).json(earlier).selectExpr(
            f"{quarantine_key('stage', '`table`', 'source_file', 'line_no', 'record')} AS record_key")
        keyed = keyed.join(held, "record_key", "left_anti")
    new = keyed.dropDuplicates(["record_key"]).localCheckpoint()
    if new.isEmpty():
        return
    tmp = f"{folder}/_tmp_{params['load_id']}"
    (new.orderBy("source_file", "line_no", "record").coalesce(1).write.mode("overwrite")
     .option("ignoreNullFields", "false").option("timestampFormat", JSON_TIMESTAMP_FORMAT).json(tmp))
    parts = [e.path for e in ls(dbutils, tmp) if entry_name(e).startswith("part-")]
    name = quarantine_file(params["load_id"], [entry_name(e) for e in ls(dbutils, folder)])
    dbutils.fs.mv(parts[0], f"{folder}/{name}")
    dbutils.fs.rm(tmp, True)


def sorted_write(model):
    """Gold tables rebuilt in full are written sorted by their one @zorder column: no OPTIMIZE afterwards."""
    return model["layer"] == "gold" and model["materialized"] == "full" and len(model["zorder"]) <= 1


def run_model(spark, dbutils, lake_root, model, params, erasures):
    """Returns (summary dict like ModelSummary, landing positions of erased bronze rows)."""
    target = model.get("table", model["id"])
    final, cte_views = register_ctes(spark, model["sql"])
    stage = spark.sql(final).localCheckpoint()
    stage.createOrReplaceTempView("__stage")
    cols = stage.columns
    erased = erased_rows_condition(model, erasures)
    drops = [e for e in model["expectations"] if e["action"] == "drop"]
    # Never "(true)" right after a relation: Spark would read `WHERE (true)` as an alias with a column list.
    all_ok = " AND ".join(passes(e) for e in drops) if drops else "1 = 1"
    # An erased customer's failing rows are dropped without a quarantine copy (they are deleted anyway).
    to_quarantine = f"NOT ({all_ok})" + (f" AND NOT coalesce({erased}, false)" if erased else "")
    keep = f"({all_ok})" + (f" AND NOT coalesce({erased}, false)" if erased else "")
    rows_in, results, quarantined, kept = stage_counts(spark, model, "__stage", to_quarantine, keep)
    summary = {"model": model["id"], "layer": model["layer"], "materialization": model["materialized"],
               "rowsIn": rows_in, "rowsOut": 0, "rowsWritten": 0, "quarantined": quarantined, "expectations": results}
    failing = [r["name"] for r in results if r["action"] == "fail" and not r["passed"]]
    if failing:
        summary["quarantined"] = 0
        summary["failedExpectations"] = failing
        for view in ["__stage", *cte_views]:
            spark.catalog.dropTempView(view)
        return summary, []

    if quarantined:
        # Without a raw record, the row itself minus its run stamps: the same rejected row is the same record. Its
        # timestamps as JSON_TIMESTAMP_FORMAT (Spark's default for to_json, named so the DuckDB adapter's recordSql
        # writes the same text and both engines key a record alike).
        row = ", ".join(f"s.{c}" for c in cols if c not in RUN_STAMP_COLUMNS)
        options = f"map('ignoreNullFields', 'false', 'timestampFormat', {sql_string(JSON_TIMESTAMP_FORMAT)})"
        record = "s.raw_record" if "raw_record" in cols else f"to_json(struct({row}), {options})"
        src = "s.source_file" if "source_file" in cols else "CAST(NULL AS STRING)"
        line = "s.line_no" if "line_no" in cols else "CAST(NULL AS BIGINT)"
        # Every contract code the row broke (pipeline/core/expectations.ts CONTRACT_CODES_COLUMN).
        codes = "s.contract_violations" if "contract_violations" in cols else "CAST(NULL AS STRING)"
        q = spark.sql(f"""SELECT {sql_string(model['layer'])} AS stage, {sql_string(model['name'])} AS `table`,
            {first_failure(drops, 'code')} AS reason, {first_failure(drops, 'name')} AS rule, {codes} AS codes,
            {sql_string(params['load_id'])} AS load_id, {src} AS source_file, {line} AS line_no, {record} AS record,
            CAST({sql_string(params['run_at'])} AS TIMESTAMP) AS quarantined_at
            FROM __stage AS s WHERE {to_quarantine}""")
        write_quarantine(spark, dbutils, lake_root, model, params, q)

    # Landing positions of erased bronze rows (new ones here, existing ones below) so the run blanks their lines.
    bronze = "landing_records" in model["inputs"]
    positions = []
    if erased and bronze:
        positions += [(r[0], r[1]) for r in spark.sql(
            f"SELECT source_file, line_no FROM __stage AS s WHERE ({all_ok}) AND ({erased}) AND record_format = 'jsonl'").collect()]
    keep = f"({all_ok})" + (f" AND NOT coalesce({erased}, false)" if erased else "")
    ok = spark.sql(f"SELECT * FROM __stage AS s WHERE {keep}")
    ok.createOrReplaceTempView("__stage_ok")

    exists = spark.catalog.tableExists(target)
    where = location(lake_root, model["layer"], model["name"])
    kind = model["materialized"]
    if kind == "incremental" and model.get("update_when"):
        keys = ", ".join(model["unique_key"])
        dup = spark.sql(f"SELECT {keys} FROM __stage_ok GROUP BY {keys} HAVING count(*) > 1").count()
        if dup:
            raise RuntimeError(f"{target}: the model returned {dup} duplicate keys ({keys}); MERGE needs one row per key")
    if kind == "full" or (kind == "incremental" and not exists):
        # A full gold table is written in @zorder order (a range-partitioned sort: each file holds one key range,
        # the layout ZORDER BY gives one column) instead of a second pass, OPTIMIZE, rewriting it after every run.
        order = f" ORDER BY {', '.join(model['zorder'])}" if sorted_write(model) and model["zorder"] else ""
        spark.sql(f"CREATE OR REPLACE TABLE {target} USING DELTA LOCATION '{where}' AS SELECT * FROM __stage_ok{order}")
        registered_at(spark, target, where)
        summary["rowsWritten"] = kept
    elif kind == "incremental":
        if erased:
            if bronze:
                positions += [(r[0], r[1]) for r in spark.sql(
                    f"SELECT source_file, line_no FROM {target} AS t WHERE ({erased}) AND record_format = 'jsonl'").collect()]
            # Delta's DELETE takes no subquery: a delete-only MERGE against the erased ids does the same.
            on = " OR ".join(f"t.{c} = e.customer_id" for c in model["erase_by"])
            spark.sql(f"""MERGE INTO {target} AS t USING (SELECT DISTINCT customer_id FROM control_erasure) AS e
                ON {on} WHEN MATCHED THEN DELETE""")
        on = " AND ".join(f"t.{k} <=> s.{k}" for k in model["unique_key"])
        # Without @update_when the MERGE is insert-only (matched rows are kept), as in the DuckDB adapter.
        matched = f"WHEN MATCHED AND ({model['update_when']}) THEN UPDATE SET *" if model.get("update_when") else ""
        metrics = spark.sql(f"""MERGE INTO {target} AS t USING __stage_ok AS s ON {on}
            {matched}
            WHEN NOT MATCHED THEN INSERT *""").first()
        summary["rowsWritten"] = int(metrics["num_affected_rows"])
    else:
        keys, vf, cmp, lst = ", ".join(model["unique_key"]), model["valid_from"], model["compare"], ", ".join(cols)
        if exists:
            # Existing versions in the model's current shape: typed NULLs for columns the table does not have yet.
            have, types = set(spark.table(target).columns), dict(ok.dtypes)
            projected = ", ".join(c if c in have else f"CAST(NULL AS {types[c]}) AS {c}" for c in cols)
            before = spark.sql(f"SELECT {projected}, valid_to, is_current FROM {target}"
                               + (f" WHERE NOT coalesce({erased}, false)" if erased else "")).localCheckpoint()
        else:
            before = spark.sql(f"SELECT {lst}, CAST(NULL AS TIMESTAMP) AS valid_to, true AS is_current "
                               f"FROM __stage_ok WHERE false").localCheckpoint()
        before.createOrReplaceTempView("__existing")
        versions = spark.sql(f"""WITH all_versions AS (
              SELECT {lst}, 0 AS __src FROM __existing UNION ALL SELECT {lst}, 1 AS __src FROM __stage_ok),
            one_per_instant AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {keys}, {vf} ORDER BY {cmp} DESC, __src ASC) AS __rn
                                FROM all_versions) WHERE __rn = 1),
            changes AS (SELECT *, lag({cmp}) OVER (PARTITION BY {keys} ORDER BY {vf}) AS __prev FROM one_per_instant)
            SELECT {lst}, lead({vf}) OVER (PARTITION BY {keys} ORDER BY {vf}) AS valid_to,
                   lead({vf}) OVER (PARTITION BY {keys} ORDER BY {vf}) IS NULL AS is_current
            FROM changes WHERE __prev IS NULL OR __prev <> {cmp}""").localCheckpoint()
        versions.createOrReplaceTempView("__versions")
        summary["rowsWritten"] = versions.exceptAll(before).count() if exists else versions.count()
        spark.sql(f"CREATE OR REPLACE TABLE {target} USING DELTA LOCATION '{where}' AS SELECT * FROM __versions")
        registered_at(spark, target, where)
    summary["rowsOut"] = kept if kind == "full" or (kind == "incremental" and not exists) else spark.table(target).count()
    for view in ["__stage", "__stage_ok", "__existing", "__versions", *cte_views]:
        spark.catalog.dropTempView(view)
    return summary, positions
