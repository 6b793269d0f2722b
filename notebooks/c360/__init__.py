"""c360 runtime: the Databricks engine adapter of the medallion pipeline (the DuckDB twin is pipeline/duckdb/).

The notebooks (notebooks/bronze.py, silver.py, gold.py) call `c360.notebook.run_notebook(spark, dbutils, layer)`;
the local Spark adapter (pipeline/spark/) calls the same function with a local `dbutils` (c360.local). Business
logic lives in models/ only: this package parses the models' "-- @key value" headers, exposes the run context,
landing records and erasure requests as temp views, runs each model with spark.sql, applies its expectations
(warn / drop to quarantine / fail) and materializes it as a Delta table: full replace, MERGE, or SCD2 versions.
"""
