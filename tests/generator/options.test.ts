import { existsSync, readFileSync } from "node:fs";

import { Command } from "commander";

import { DEFAULT_DEFECT_RATES, parseDefects, resolveOptions } from "../../generator";
import { parseCount, registerGenerate } from "../../generator/cli";
import { tempDir } from "./helpers";

describe("options", () => {
  it("parses defect specs: off, default, and per-kind overrides", () => {
    expect(parseDefects("default")).toEqual(DEFAULT_DEFECT_RATES);
    expect(Object.values(parseDefects("off")).every((r) => r === 0)).toBe(true);
    expect(parseDefects("duplicate=0.05,invalid_email=0.01")).toEqual({
      ...DEFAULT_DEFECT_RATES,
      duplicate: 0.05,
      invalid_email: 0.01,
    });
    expect(parseDefects("off,late=0.2")).toMatchObject({ late: 0.2, duplicate: 0 });
    expect(() => parseDefects("dupes=0.1")).toThrow(/unknown defect kind "dupes"/);
    expect(() => parseDefects("late=abc")).toThrow(/needs a rate/);
    expect(() => parseDefects("late=0.6,duplicate=0.6")).toThrow(/sum must be <= 1/);
  });

  it("derives per-type counts from a total, and lets counts override", () => {
    const o = resolveOptions({ events: 100 });
    expect(o.customers).toBe(5);
    expect(Object.values(o.counts).reduce((a, b) => a + b, 0)).toBe(100);
    const bench = resolveOptions({
      customers: 100_000,
      counts: { order: 1_000_000, behavioral_event: 3_000_000 },
    });
    expect(bench.counts).toMatchObject({
      order: 1_000_000,
      behavioral_event: 3_000_000,
      customer_profile: 130_000,
    });
    expect(() => resolveOptions({ customers: 10, counts: { customer_profile: 5 } })).toThrow(
      /initial profile/,
    );
    expect(() => resolveOptions({ startDate: "2025-13-45" })).toThrow(/startDate/);
    expect(() => resolveOptions({ events: 10, customers: 100 })).toThrow(/too small/);
  });

  it("parses counts written as 1_000_000, 1e6 or 3M", () => {
    expect([parseCount("1_000_000"), parseCount("1e6"), parseCount("3M"), parseCount("250k")]).toEqual([
      1_000_000, 1_000_000, 3_000_000, 250_000,
    ]);
    expect(() => parseCount("-5")).toThrow();
    expect(() => parseCount("lots")).toThrow();
  });

  it("c360 generate runs through commander and writes its manifest", async () => {
    const tmp = tempDir("cli");
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const program = new Command("c360").exitOverride();
      registerGenerate(program);
      await program.parseAsync(
        [
          "generate",
          "--events",
          "2k",
          "--days",
          "10",
          "--seed",
          "5",
          "--out",
          `${tmp.dir}/out`,
          "--lake",
          `${tmp.dir}/lake`,
          "--defects",
          "off,duplicate=0.1",
          "--no-progress",
        ],
        { from: "user" },
      );
      const manifest = JSON.parse(readFileSync(`${tmp.dir}/out/manifest.json`, "utf8"));
      expect(manifest.counts.events).toBe(2000);
      expect(manifest.options).toMatchObject({ seed: 5, days: 10 });
      expect(manifest.defects.duplicate).toBeGreaterThan(100);
      expect(manifest.defects.late).toBe(0);
      expect(existsSync(`${tmp.dir}/out/stream/events-00000.jsonl`)).toBe(true);
      expect(log.mock.calls.join("\n")).toContain("generated 2000 events");
    } finally {
      log.mockRestore();
      tmp.cleanup();
    }
  });
});
