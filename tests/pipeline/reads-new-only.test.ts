/**
 * `@reads new_only`: a model whose run reads only what its load brought. gold.data_quality_metrics adds up the run
 * records of such a model's loads in a window (each landing file, each order version counted once) and takes the
 * latest run of every other model; the list it uses is rendered from these annotations (models/rules.ts).
 */
import { newOnlyModelsSql } from "../../models/rules";
import { loadAllModels, parseModel } from "../../pipeline/models";

const header = (materialized: string, extra: string) =>
  `-- @materialized ${materialized}\n-- @unique_key id\n${extra}\nSELECT 1 AS id`;

test("@reads new_only is parsed on incremental models; another value, or another materialization, is an error", () => {
  expect(parseModel("silver", "t", "t.sql", header("incremental", "-- @reads new_only")).readsNewOnly).toBe(
    true,
  );
  expect(parseModel("silver", "t", "t.sql", header("incremental", "")).readsNewOnly).toBe(false);
  expect(() => parseModel("silver", "t", "t.sql", header("incremental", "-- @reads all"))).toThrow(
    "t.sql: unknown @reads all (only new_only)",
  );
  expect(() =>
    parseModel("silver", "t", "t.sql", header("scd2", "-- @valid_from v\n-- @compare c\n-- @reads new_only")),
  ).toThrow("t.sql: @reads new_only needs an incremental model");
});

test("the models that read only new input: bronze and the order items of the orders a load wrote", () => {
  expect(
    loadAllModels()
      .filter((m) => m.readsNewOnly)
      .map((m) => m.id),
  ).toEqual(["bronze.events", "silver.order_items"]);
  expect(newOnlyModelsSql()).toBe("SELECT 'bronze.events' AS model\nUNION ALL SELECT 'silver.order_items'");
});
