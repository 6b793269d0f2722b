# Databricks notebook source
# Person export step of c360 (right of access and portability): every pending job in the control zone's exports/
# (request.json written by POST /api/customers/{id}/export) gets the person's rows of every lake store and a
# manifest, through the c360 runtime package (notebooks/c360/export.py; the DuckDB twin is pipeline/duckdb/export.ts).
# Widget (ADF base parameter): load_id, the batch run it follows. Zone roots from the cluster's Spark conf
# c360.storage_account.

# COMMAND ----------

import json

from c360.notebook import run_export_notebook

summary = run_export_notebook(spark, dbutils)  # noqa: F821 (Databricks notebook globals)

# COMMAND ----------

dbutils.notebook.exit(json.dumps(summary))  # noqa: F821
