/** `@catalog_schema`: the Unity Catalog schema a model's table is registered in on Databricks (docs/pipeline.md). */
import { loadAllModels } from "../../pipeline";
import { parseModel } from "../../pipeline/models";

const header = (extra: string, kind = "full") =>
  `-- @materialized ${kind}\n${extra}\nSELECT 1 AS customer_key`;

test("parsed when a lower-case name other than a layer's; absent by default; never on a view", () => {
  expect(parseModel("gold", "t", "t.sql", header("-- @catalog_schema gold_contacts")).catalogSchema).toBe(
    "gold_contacts",
  );
  expect(parseModel("gold", "t", "t.sql", header("")).catalogSchema).toBeUndefined();
  for (const bad of ["Gold_Contacts", "gold-contacts", "silver"])
    expect(() => parseModel("gold", "t", "t.sql", header(`-- @catalog_schema ${bad}`))).toThrow(
      `t.sql: @catalog_schema ${bad} must be a lower-case name other than a layer's`,
    );
  expect(() => parseModel("gold", "t", "t.sql", header("-- @catalog_schema x", "view"))).toThrow(
    "a view is not registered in the catalog",
  );
});

test("only the restricted contact view is registered apart", () => {
  expect(loadAllModels().flatMap((m) => (m.catalogSchema ? [[m.id, m.catalogSchema]] : []))).toEqual([
    ["gold.customer_contacts", "gold_contacts"],
  ]);
});
