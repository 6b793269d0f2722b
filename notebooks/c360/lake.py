"""The lake: one root per zone, as the infra creates it in Azure (an ADLS Gen2 container per zone).

Every path is built from a zone's configured root; nothing searches a path for a zone's name (in Azure a path is
abfss://landing@<account>.dfs.core.windows.net/<source>/..., which never contains "landing/").
"""
import json

from .vocabulary import LAYERS, ZONES


class ZoneRoots:
    """Root URI of each zone, callable: lake_root("landing") → the landing zone's root, without a trailing '/'."""

    def __init__(self, roots):
        missing = [z for z in ZONES if not roots.get(z)]
        if missing:
            raise ValueError(f"lake zone roots missing for {', '.join(missing)}")
        self.roots = {z: roots[z].rstrip("/") for z in ZONES}

    def __call__(self, zone):
        if zone not in self.roots:
            raise ValueError(f"unknown lake zone {zone}")
        return self.roots[zone]


def lake_paths(spark):
    """Zone roots from the Spark conf. In Azure the job cluster sets `c360.storage_account` (the infra's lake
    account): zone z is abfss://z@<account>.dfs.core.windows.net. `c360.zone_roots` (a JSON object zone → root)
    names each root explicitly (a local lake laid out as in Azure); `c360.lake_root` puts every zone in a folder
    under one root (a mount)."""
    explicit = spark.conf.get("c360.zone_roots", "")
    if explicit:
        return ZoneRoots(json.loads(explicit))
    root = spark.conf.get("c360.lake_root", "")
    if root:
        return ZoneRoots({z: f"{root.rstrip('/')}/{z}" for z in ZONES})
    account = spark.conf.get("c360.storage_account", "")
    if not account:
        raise ValueError("Spark conf c360.storage_account (or c360.zone_roots / c360.lake_root) must be set: it names the lake")
    return ZoneRoots({z: f"abfss://{z}@{account}.dfs.core.windows.net" for z in ZONES})


def qualified(spark, root):
    """A root as Spark reports file paths (`_metadata.file_path`): `/tmp/x` → `file:/tmp/x`; abfss:// unchanged."""
    jvm = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(root)
    fs = path.getFileSystem(spark._jsc.hadoopConfiguration())
    text = fs.makeQualified(path).toString()
    # Local files are reported as file:/x (no authority), however the root was written.
    return ("file:/" + text[len("file:///"):] if text.startswith("file:///") else text).rstrip("/")


def is_missing(error):
    """True when `error` (from dbutils.fs.ls, or the local stand-in) says the path does not exist."""
    return isinstance(error, FileNotFoundError) or "java.io.FileNotFoundException" in str(error)


def ls(dbutils, path):
    """dbutils.fs.ls, [] for a path that does not exist; every other error propagates."""
    try:
        return dbutils.fs.ls(path)
    except Exception as e:  # noqa: BLE001 — narrowed by is_missing
        if is_missing(e):
            return []
        raise


def entry_name(info):
    return info.name.rstrip("/")


def is_dir(info):
    return info.name.endswith("/")


def location(lake_root, layer, name):
    """Delta tables live at <layer zone>/<table>/ (same relative layout as the local Parquet tables)."""
    return f"{lake_root(layer)}/{name}"


def control_location(lake_root, name):
    """Run records (model_runs, expectation_results, loaded_files) are Delta tables in the control zone."""
    return f"{lake_root('control')}/{name}"


def has_delta_log(dbutils, path):
    return any(entry_name(e) == "_delta_log" for e in ls(dbutils, path))


# (application id, table) → the location this process registered it at.
_registered = {}


def registered_at(spark, table, where):
    """Records that this session registered `table` at `where` (attach_lake, or a model's CREATE OR REPLACE TABLE
    … LOCATION): the next attach_lake trusts it instead of reading the table's Delta log (DESCRIBE DETAIL)."""
    _registered[(spark.sparkContext.applicationId, table)] = where


def attach_lake(spark, dbutils, lake_root, tables=None):
    """Registers every Delta table of the layer zones in the session catalog (external tables at their lake
    location), replacing a registration that points elsewhere: the lake, not the metastore, holds the tables.
    `tables`: {(layer, name): metastore table} for the models registered outside their layer's schema
    (models.catalog_tables: gold/customer_contacts → gold_contacts.customer_contacts); every other folder of a layer
    zone is `<layer>.<name>`. A schema that exists (in Azure the infra creates them, with their grants) is used as
    it is."""
    tables = tables or {}
    schemas = {layer: set() for layer in LAYERS}
    for table in tables.values():
        schemas.setdefault(table.split(".")[0], set())
    for schema in schemas:
        if not spark.catalog.databaseExists(schema):
            spark.sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for layer in LAYERS:
        for entry in ls(dbutils, lake_root(layer)):
            name = entry_name(entry)
            if not is_dir(entry) or not name.replace("_", "a").isalnum() or not has_delta_log(dbutils, entry.path):
                continue
            table = tables.get((layer, name), f"{layer}.{name}")
            schemas[table.split(".")[0]].add(table.split(".")[1])
            where = location(lake_root, layer, name)
            key = (spark.sparkContext.applicationId, table)
            if spark.catalog.tableExists(table):
                # Registered by this session at this location: nothing to check (DESCRIBE DETAIL reads the log).
                if _registered.get(key) == where:
                    continue
                current = spark.sql(f"DESCRIBE DETAIL {table}").first()["location"]
                if current.rstrip("/") == qualified(spark, where):
                    registered_at(spark, table, where)
                    continue
                spark.sql(f"DROP TABLE {table}")
            spark.sql(f"CREATE TABLE {table} USING DELTA LOCATION '{where}'")
            registered_at(spark, table, where)
    for schema, present in schemas.items():
        for t in spark.sql(f"SHOW TABLES IN {schema}").collect():
            if not t.isTemporary and t.tableName not in present and not t.tableName.startswith("_"):
                # Registered, but its folder is gone, belongs to another lake, or the table moved to another schema
                # (@catalog_schema): unregister (external: no data).
                spark.sql(f"DROP TABLE IF EXISTS {schema}.{t.tableName}")
                _registered.pop((spark.sparkContext.applicationId, f"{schema}.{t.tableName}"), None)
