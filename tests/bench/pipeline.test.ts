import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { resetLake } from "../../bench/pipeline";

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
