# Databricks notebook source
# Gold layer of the c360 medallion pipeline: runs models/gold/*.sql through the shared runtime.
# Widgets (ADF / job base parameters): environment, window_start, window_end, load_id.

# COMMAND ----------

# MAGIC %run ./c360_runtime

# COMMAND ----------

import json

lake_root = spark.conf.get("c360.lake_root", "abfss://lake@" + spark.conf.get("c360.storage_account", "c360lake") + ".dfs.core.windows.net")
summary = run_layer(spark, dbutils, "gold", lake_root)  # noqa: F821 (defined by %run ./c360_runtime)

# COMMAND ----------

dbutils.notebook.exit(json.dumps(summary))
