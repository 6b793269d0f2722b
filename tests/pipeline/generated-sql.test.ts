/**
 * Rules rendered into the models (models/rules.ts) are what the contracts say today: a rule changed in TypeScript
 * and not rendered with `npm run models:build`, or SQL edited by hand between the markers, fails here.
 */
import { readFileSync } from "node:fs";

import { VALUE_TIER_RULES } from "../../contracts";
import { blockText, modelFilesWithBlocks, renderBlocks, valueTierSql } from "../../models/rules";

describe("generated SQL blocks", () => {
  test.each(modelFilesWithBlocks())("%s is rendered from the current rules", (path) => {
    const text = readFileSync(path, "utf8");
    expect(renderBlocks(text)).toBe(text);
  });

  test("the models that hold rules hold every block they need", () => {
    const names = modelFilesWithBlocks().map((p) => p.split("/models/")[1]);
    expect(names).toEqual(
      expect.arrayContaining([
        "gold/customer_360.sql",
        "silver/customers.sql",
        "silver/identity_identifiers.sql",
      ]),
    );
  });

  test("changing a value-tier threshold in the contract changes the SQL of gold.customer_360", () => {
    const text = readFileSync(
      modelFilesWithBlocks().find((p) => p.endsWith("customer_360.sql"))!,
      "utf8",
    );
    expect(blockText(text, "value_tier")).toContain(
      "j.total_spent > 5000 AND j.total_orders > 20 THEN 'VIP'",
    );
    const tiers = VALUE_TIER_RULES.tiers as unknown as { spentAbove: number }[];
    const saved = tiers[0]!.spentAbove;
    try {
      tiers[0]!.spentAbove = 50;
      expect(valueTierSql("j.total_spent", "j.total_orders")).toContain("j.total_spent > 50 AND");
      expect(renderBlocks(text)).not.toBe(text);
    } finally {
      tiers[0]!.spentAbove = saved;
    }
  });
});
