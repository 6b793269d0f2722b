"""The notebooks' entry point: widget values → run parameters, zone roots from the Spark conf, one layer run."""
from .lake import lake_paths
from .params import read_widgets, run_params
from .runner import run_layer


def run_notebook(spark, dbutils, layer, **options):
    """What notebooks/<layer>.py runs on Databricks (and the local Spark adapter with a local dbutils)."""
    params = run_params(read_widgets(dbutils))
    return run_layer(spark, dbutils, layer, lake_paths(spark), params, **options)


def run_export_notebook(spark, dbutils):
    """What notebooks/export.py runs on Databricks: the person export step over the lake's zone roots. Widget
    load_id: the batch run it follows (recorded in each manifest; "" when run on its own)."""
    from .export import run_exports

    dbutils.widgets.text("load_id", "")
    return run_exports(spark, dbutils, lake_paths(spark), load_id=dbutils.widgets.get("load_id"))
