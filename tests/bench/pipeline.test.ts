import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { resetLake, slowestModels } from "../../bench/pipeline";

describe("pipeline bench: repeated runs", () => {
  let lake: string;
  beforeEach(() => (lake = mkdtempSync(join(tmpdir(), "c360-bench-reset-"))));
  afterEach(() => rmSync(lake, { recursive: true, force: true }));

  it("resets a lake to its landing files and generator output between runs", () => {
    const file = (rel: string) => {
      mkdirSync(join(lake, rel, ".."), { recursive: true });
      writeFileSync(join(lake, rel), "x\n");
    };
    file("landing/web/behavioral_event/ingest_date=2025-01-01/part-0.jsonl");
    file("_gen/manifest.json");
    for (const written of [
      "bronze/events/p.parquet",
      "silver/orders/p.parquet",
      "gold/top_customers/p.parquet",
    ])
      file(written);
    file("control/loaded_files/bench.parquet");
    file("quarantine/bronze/events/ingest_date=2026-12-03/bench.jsonl");

    resetLake(lake);

    expect(readdirSync(lake).sort()).toEqual(["_gen", "landing"]);
    expect(existsSync(join(lake, "landing/web/behavioral_event/ingest_date=2025-01-01/part-0.jsonl"))).toBe(
      true,
    );
    expect(existsSync(join(lake, "_gen/manifest.json"))).toBe(true);
  });
});

describe("pipeline bench: where the time goes", () => {
  it("names the slowest models across layers, slowest first", () => {
    const layer = (name: string, models: [string, number][]) => ({
      layer: name,
      models: models.map(([model, durationMs]) => ({ model, durationMs })),
    });
    const summary = {
      layers: [
        layer("bronze", [["bronze.events", 19_450]]),
        layer("silver", [
          ["silver.orders", 8_000],
          ["silver.behavioral_events", 21_000],
          ["silver.products", 100],
        ]),
      ],
    } as unknown as Parameters<typeof slowestModels>[0];
    expect(slowestModels(summary, 3)).toBe(
      "silver.behavioral_events 21 s; bronze.events 19.4 s; silver.orders 8 s",
    );
  });
});
