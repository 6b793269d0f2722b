# Databricks notebook source
# Bronze layer of the c360 medallion pipeline: runs models/bronze/*.sql through the c360 runtime package
# (notebooks/c360/, uploaded beside this notebook as workspace files). Widgets (ADF / job base parameters):
# environment, window_start, window_end, load_id. Zone roots from the cluster's Spark conf c360.storage_account.

# COMMAND ----------

import json

from c360.notebook import run_notebook

summary = run_notebook(spark, dbutils, "bronze")  # noqa: F821 (Databricks notebook globals)
if summary["status"] != "succeeded":
    raise RuntimeError(summary["error"])

# COMMAND ----------

dbutils.notebook.exit(json.dumps(summary))  # noqa: F821
