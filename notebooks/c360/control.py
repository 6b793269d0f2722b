"""Run records in the control zone (Delta): model_runs, expectation_results and loaded_files, and the
control_model_runs / control_expectation_results temp views the data-quality model reads."""
from datetime import date, datetime

from .lake import control_location, has_delta_log

# Records are kept per run (a rerun of a load appends its own); the window tells gold.data_quality_metrics which
# runs' figures belong to the window it is run for (runRecords in pipeline/core/summary.ts).
WINDOW = "window_start_date DATE, window_end_date DATE"
SCHEMAS = {
    "model_runs": "load_id STRING, layer STRING, model STRING, rows_in BIGINT, rows_out BIGINT, rows_written BIGINT, "
                  f"quarantined BIGINT, run_at TIMESTAMP, {WINDOW}",
    "expectation_results": "load_id STRING, layer STRING, model STRING, rule STRING, code STRING, action STRING, "
                           f"failed BIGINT, rows_in BIGINT, run_at TIMESTAMP, {WINDOW}",
    "loaded_files": "source_file STRING, load_id STRING",
}


def register_control(spark, dbutils, lake_root):
    for name in ["model_runs", "expectation_results"]:
        path = control_location(lake_root, name)
        if has_delta_log(dbutils, path):
            # Records written before a column existed (the window) read it as NULL.
            empty = spark.createDataFrame([], SCHEMAS[name])
            (empty.unionByName(spark.read.format("delta").load(path), allowMissingColumns=True)
             .createOrReplaceTempView(f"control_{name}"))
        else:
            spark.createDataFrame([], SCHEMAS[name]).createOrReplaceTempView(f"control_{name}")


def append(spark, lake_root, name, rows):
    if rows:
        (spark.createDataFrame(rows, SCHEMAS[name]).write.format("delta").mode("append")
         .option("mergeSchema", "true").save(control_location(lake_root, name)))


def record_run(spark, lake_root, params, layer, summaries):
    at = datetime.fromisoformat(params["run_at"].replace("Z", "+00:00"))
    window = tuple(None if v is None else date.fromisoformat(v)
                   for v in (params["window_start_date"], params["window_end_date"]))
    append(spark, lake_root, "model_runs", [
        (params["load_id"], layer, s["model"], s["rowsIn"], s["rowsOut"], s["rowsWritten"], s["quarantined"], at,
         *window) for s in summaries])
    append(spark, lake_root, "expectation_results", [
        (params["load_id"], layer, s["model"], e["name"], e["code"], e["action"], e["failed"], s["rowsIn"], at,
         *window) for s in summaries for e in s["expectations"]])


def record_loaded(spark, lake_root, params, files):
    append(spark, lake_root, "loaded_files", [(f["rel"], params["load_id"]) for f in files])
