"""Run records in the control zone (Delta): model_runs, expectation_results and loaded_files, and the
control_model_runs / control_expectation_results temp views the data-quality model reads."""
from datetime import datetime

from .lake import control_location, has_delta_log

SCHEMAS = {
    "model_runs": "load_id STRING, layer STRING, model STRING, rows_in BIGINT, rows_out BIGINT, rows_written BIGINT, "
                  "quarantined BIGINT, run_at TIMESTAMP",
    "expectation_results": "load_id STRING, layer STRING, model STRING, rule STRING, code STRING, action STRING, "
                           "failed BIGINT, rows_in BIGINT, run_at TIMESTAMP",
    "loaded_files": "source_file STRING, load_id STRING",
}


def register_control(spark, dbutils, lake_root):
    for name in ["model_runs", "expectation_results"]:
        path = control_location(lake_root, name)
        if has_delta_log(dbutils, path):
            spark.read.format("delta").load(path).createOrReplaceTempView(f"control_{name}")
        else:
            spark.createDataFrame([], SCHEMAS[name]).createOrReplaceTempView(f"control_{name}")


def append(spark, lake_root, name, rows):
    if rows:
        (spark.createDataFrame(rows, SCHEMAS[name]).write.format("delta").mode("append")
         .save(control_location(lake_root, name)))


def record_run(spark, lake_root, params, layer, summaries):
    at = datetime.fromisoformat(params["run_at"].replace("Z", "+00:00"))
    append(spark, lake_root, "model_runs", [
        (params["load_id"], layer, s["model"], s["rowsIn"], s["rowsOut"], s["rowsWritten"], s["quarantined"], at)
        for s in summaries])
    append(spark, lake_root, "expectation_results", [
        (params["load_id"], layer, s["model"], e["name"], e["code"], e["action"], e["failed"], s["rowsIn"], at)
        for s in summaries for e in s["expectations"]])


def record_loaded(spark, lake_root, params, files):
    append(spark, lake_root, "loaded_files", [(f["rel"], params["load_id"]) for f in files])
