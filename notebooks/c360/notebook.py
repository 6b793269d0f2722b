"""The notebooks' entry point: widget values → run parameters, zone roots from the Spark conf, one layer run."""
from .lake import lake_paths
from .params import read_widgets, run_params
from .runner import run_layer


def run_notebook(spark, dbutils, layer, **options):
    """What notebooks/<layer>.py runs on Databricks (and the local Spark adapter with a local dbutils)."""
    params = run_params(read_widgets(dbutils))
    return run_layer(spark, dbutils, layer, lake_paths(spark), params, **options)
