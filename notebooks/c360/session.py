"""Spark session settings: the ones every run sets (as on the job cluster) and a local session for tests and the
local Spark adapter (pipeline/spark/), with Delta Lake's jars from .spark-jars/ (fetched by `npm run py:setup`)."""
import glob
import os

# Set by every run (notebooks and local alike), on top of the job cluster's spark_conf (session time zone UTC).
RUN_CONFS = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    # A payload with a repeated key must not fail the run when a model parses it as MAP<STRING, STRING>: the last
    # value wins (Spark's default policy raises).
    "spark.sql.mapKeyDedupPolicy": "LAST_WIN",
    # Additive schema evolution, as the DuckDB adapter does: a column a model gains is added to the Delta table by
    # MERGE (NULL in the rows already there) instead of failing the run.
    "spark.databricks.delta.schema.autoMerge.enabled": "true",
    # Catalyst's constraint propagation grows as the square of a plan's predicates: on the SCD2 rebuild of
    # silver.customers (sha2 over concat_ws, null-safe comparisons) it ran for over 20 minutes before the first task.
    # Off, the same plan optimizes in seconds; it only infers extra filters, so results do not change.
    "spark.sql.constraintPropagation.enabled": "false",
    # On by default (Databricks and Spark 3.5), and required: without it a localCheckpoint keeps its plan's attribute
    # ids, and gold.customer_journey's two checkpointed CTEs carrying identity's customer_key (c360/ctes.py) could
    # not be told apart in one join (analysis error). A cluster or notebook that turned it off is set back.
    "spark.sql.adaptive.enabled": "true",
}

# Timestamps as JSON text (quarantine records, person exports): ISO 8601 in the session's time zone (UTC, so `Z`)
# with milliseconds, as JavaScript's toISOString() writes them (PERSON_EXPORT_TIMESTAMP, contracts/person-export.ts).
JSON_TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"


def configure(spark):
    for key, value in RUN_CONFS.items():
        spark.conf.set(key, value)


def delta_jars(repo):
    jars = sorted(glob.glob(os.path.join(repo, ".spark-jars", "*.jar")))
    if not jars:
        raise RuntimeError(f"no Delta Lake jars in {repo}/.spark-jars: run `npm run py:setup`")
    return jars


def local_session(repo, cores=2, memory="2g", zone_roots=None, warehouse=None):
    """A local SparkSession configured like the job cluster (UTC session time zone, c360.* lake confs, Delta),
    sized for a laptop: local[cores], few shuffle and Delta snapshot partitions, no UI."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("c360-local")
        .config("spark.jars", ",".join(delta_jars(repo)))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.driver.memory", memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.databricks.delta.snapshotPartitions", str(cores))
        .config("spark.ui.enabled", "false")
        # One local session serves many runs (the adapter's server, the test suites), each compiling code for
        # hundreds of plans: with Spark's default of 100 cached classes, every run compiled them again (Janino took
        # 16% of the driver's CPU); the parity suite ran 350 s before, 279 s after. A job cluster runs once: unset there.
        .config("spark.sql.codegen.cache.maxEntries", "5000")
        .config("spark.ui.showConsoleProgress", "false")
        # The throughput collector: on a laptop's few cores G1's concurrent threads compete with the tasks (the parity
        # runs took 9-14% longer with G1, the JVM's default).
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC -XX:+UseParallelGC")
    )
    if warehouse:
        builder = builder.config("spark.sql.warehouse.dir", warehouse)
    if zone_roots:
        import json

        builder = builder.config("c360.zone_roots", json.dumps(zone_roots))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    configure(spark)
    return spark
