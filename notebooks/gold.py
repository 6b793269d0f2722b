# Databricks notebook source
# Gold layer of the c360 medallion pipeline: runs models/gold/*.sql through the shared runtime.
# Widgets (ADF / job base parameters): environment, window_start, window_end, load_id.

# COMMAND ----------

# MAGIC %run ./c360_runtime

# COMMAND ----------

import json

lake_root = lake_paths(spark)  # noqa: F821 (defined by %run ./c360_runtime)
summary = run_layer(spark, dbutils, "gold", lake_root)  # noqa: F821 (defined by %run ./c360_runtime)

# COMMAND ----------

dbutils.notebook.exit(json.dumps(summary))
