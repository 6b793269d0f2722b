"""One layer run: the function every notebook calls (through c360.notebook) and the local Spark adapter too."""
import time

from .control import record_loaded, record_run, register_control
from .erasure import blank_landing_lines, purge_quarantine, register_erasure
from .lake import attach_lake
from .landing import register_landing
from .materialize import run_model, sorted_write, sql_string
from .models import catalog_tables, check_contracts, load_models, repo_root, with_views
from .session import configure
from .vocabulary import LAYERS


def register_run_context(spark, params):
    d = lambda v: "CAST(NULL AS DATE)" if v is None else f"DATE {sql_string(v)}"  # noqa: E731
    spark.sql(f"""CREATE OR REPLACE TEMP VIEW run_context AS SELECT
        {sql_string(params["load_id"])} AS load_id, CAST({sql_string(params["run_at"])} AS TIMESTAMP) AS run_at,
        {d(params["window_start_date"])} AS window_start_date, {d(params["window_end_date"])} AS window_end_date,
        {d(params["as_of_date"])} AS as_of_date, {sql_string(params["environment"])} AS environment""")


def export_json_lines(spark, model, params, lake_root):
    """@export jsonl: the table as JSON lines in <layer>/_exports/<name>/load_id=<id>/part-*.json (exportPath in
    contracts/lake-layout.ts), read by the profile traits sync, which has no Delta reader. Spark leaves NULL fields
    out of each line; the reader treats a missing field as NULL."""
    path = f"{lake_root(model['layer'])}/_exports/{model['name']}/load_id={params['load_id']}"
    spark.table(model.get("table", model["id"])).write.mode("overwrite").json(path)


def optimize(spark, model):
    """Gold tables not written in their final layout (see materialize.sorted_write): compact and co-locate by the
    model's @zorder columns."""
    zorder = f" ZORDER BY ({', '.join(model['zorder'])})" if model["zorder"] else ""
    spark.sql(f"OPTIMIZE {model.get('table', model['id'])}{zorder}")


def run_layer(spark, dbutils, layer, lake_root, params, root=None, models_dir=None, on_progress=None):
    """Runs every model of `layer`; returns the layer summary (the shape of pipeline/core/summary.ts LayerSummary).
    A fail expectation stops the layer (status failed); any other error propagates."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer}")
    started = time.time()
    root = root or repo_root()
    configure(spark)
    attach_lake(spark, dbutils, lake_root, catalog_tables(models_dir))
    register_run_context(spark, params)
    erasures = register_erasure(spark, dbutils, lake_root)
    register_control(spark, dbutils, lake_root)
    statements, models = with_views(load_models(layer, models_dir))
    check_contracts(models, root)
    for statement in statements:
        spark.sql(statement)
    files = register_landing(spark, dbutils, lake_root, params) if layer == "bronze" else []
    summary = {"layer": layer, "loadId": params["load_id"], "windowStart": params["window_start"] or None,
               "windowEnd": params["window_end"] or None, "status": "succeeded", "models": []}
    erased_lines = []
    for i, model in enumerate(models):
        if on_progress:
            on_progress({"layer": layer, "model": model["id"], "phase": "start", "index": i + 1, "total": len(models)})
        t0 = time.time()
        result, positions = run_model(spark, dbutils, lake_root, model, params, erasures)
        failed = result.pop("failedExpectations", [])
        result["durationMs"] = int((time.time() - t0) * 1000)
        summary["models"].append(result)
        erased_lines += positions
        if on_progress:
            on_progress({"layer": layer, "model": model["id"], "phase": "done", "index": i + 1,
                         "total": len(models), "summary": result})
        if failed:
            summary["status"] = "failed"
            summary["error"] = f"{model['id']}: fail expectation(s) not met: {', '.join(failed)}"
            break
        if layer == "gold" and not sorted_write(model):
            optimize(spark, model)
        if model.get("export") == "jsonl":
            export_json_lines(spark, model, params, lake_root)
    if summary["status"] == "succeeded":
        ids = [r[0] for r in spark.sql(
            "SELECT DISTINCT customer_id FROM control_erasure WHERE customer_id IS NOT NULL AND customer_id <> ''").collect()]
        purged, quarantined_lines = purge_quarantine(spark, dbutils, lake_root, ids) if erasures else (0, [])
        summary["erasedQuarantineRecords"] = purged
        if layer == "bronze":
            summary["erasedLandingLines"] = (
                blank_landing_lines(spark, dbutils, lake_root, erased_lines + quarantined_lines) if erasures else 0)
    record_run(spark, lake_root, params, layer, summary["models"])
    if summary["status"] == "succeeded" and files:
        record_loaded(spark, lake_root, params, files)
    if summary["status"] == "succeeded" and any(m["id"] == DATA_QUALITY_MODEL for m in models):
        summary["dataQuality"] = data_quality(spark, params["load_id"])
    summary["durationMs"] = int((time.time() - started) * 1000)
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
