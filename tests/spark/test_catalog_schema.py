"""@catalog_schema on Databricks: gold.customer_contacts is registered as gold_contacts.customer_contacts (the schema
whose only reader grant is the contact-data group: infra/components/unity-catalog.ts), never in schema gold, where the
analysts' grant reaches; a registration left in gold by an earlier run is removed."""
import json

from c360.lake import attach_lake, lake_paths, location
from c360.models import catalog_tables, load_models
from conftest import dbutils


def test_the_contact_view_is_the_only_model_registered_apart_and_its_table_name_follows():
    assert catalog_tables() == {("gold", "customer_contacts"): "gold_contacts.customer_contacts"}
    tables = {m["id"]: m["table"] for m in load_models("gold")}
    assert tables["gold.customer_contacts"] == "gold_contacts.customer_contacts"
    assert tables["gold.customer_360"] == "gold.customer_360"


def test_attach_registers_the_contact_view_in_its_schema_and_unregisters_it_from_gold(spark, zones):
    spark.conf.set("c360.zone_roots", json.dumps(zones))
    lake_root = lake_paths(spark)
    for name in ["customer_contacts", "customer_360"]:
        spark.range(3).write.format("delta").mode("overwrite").save(location(lake_root, "gold", name))
    # the layout before @catalog_schema: the contact view registered in gold
    spark.sql("CREATE SCHEMA IF NOT EXISTS gold")
    spark.sql("DROP TABLE IF EXISTS gold.customer_contacts")
    spark.sql(f"CREATE TABLE gold.customer_contacts USING DELTA LOCATION '{location(lake_root, 'gold', 'customer_contacts')}'")

    attach_lake(spark, dbutils(), lake_root, catalog_tables())
    gold = {t.tableName for t in spark.sql("SHOW TABLES IN gold").collect() if not t.isTemporary}
    contacts = {t.tableName for t in spark.sql("SHOW TABLES IN gold_contacts").collect() if not t.isTemporary}
    assert "customer_contacts" not in gold and "customer_360" in gold
    assert contacts == {"customer_contacts"}
    assert spark.table("gold_contacts.customer_contacts").count() == 3


def test_a_model_with_catalog_schema_is_materialized_optimized_and_exported_under_its_table(spark, zones, tmp_path):
    from c360.materialize import run_model
    from c360.models import parse_model
    from c360.runner import export_json_lines, optimize

    spark.conf.set("c360.zone_roots", json.dumps(zones))
    lake_root = lake_paths(spark)
    path = tmp_path / "restricted_t.sql"
    path.write_text("-- @materialized full\n-- @catalog_schema gold_contacts\n-- @zorder customer_key\n"
                    "SELECT 'C1' AS customer_key, 'ann@example.com' AS email", encoding="utf-8")
    model = parse_model("gold", str(path))
    attach_lake(spark, dbutils(), lake_root, {("gold", "restricted_t"): model["table"]})
    summary, _ = run_model(spark, dbutils(), lake_root, model, {"load_id": "L1", "run_at": "2024-05-01T00:00:00Z"}, 0)
    assert (summary["model"], summary["rowsWritten"]) == ("gold.restricted_t", 1)
    optimize(spark, model)
    export_json_lines(spark, model, {"load_id": "L1"}, lake_root)
    assert not spark.catalog.tableExists("gold.restricted_t")
    assert [r.email for r in spark.table("gold_contacts.restricted_t").collect()] == ["ann@example.com"]
    # the files stay in the gold zone: the table is external at gold/restricted_t
    assert spark.read.format("delta").load(location(lake_root, "gold", "restricted_t")).count() == 1
