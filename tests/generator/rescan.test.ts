import fc from "fast-check";

import { generate } from "../../generator";
import { tempDir } from "./helpers";
import { knownCustomerIds, scan, streamLines } from "./rescan";

const HIGH_RATES =
  "duplicate=0.03,late=0.02,invalid_email=0.05,invalid_phone=0.05,missing_required_field=0.01," +
  "unknown_customer=0.01,unknown_schema_version=0.01,unparseable_line=0.01,unexpected_field=0.01";

describe("manifest defect counts equal an independent re-scan of the stream", () => {
  const tmp = tempDir("rescan");
  afterAll(() => tmp.cleanup());

  it("finds exactly the injected defects, one per affected line, and nothing else", async () => {
    const out = `${tmp.dir}/high/out`;
    const manifest = await generate({
      out,
      lakeDir: `${tmp.dir}/high/lake`,
      seed: 11,
      customers: 400,
      events: 25_000,
      days: 120,
      defects: HIGH_RATES,
      partLines: 4000,
    });
    const result = scan(streamLines(out), knownCustomerIds(out));
    expect(result.counts).toEqual(manifest.defects);
    // Every kind is really present (the test would be weak otherwise).
    for (const [kind, n] of Object.entries(result.counts))
      expect({ kind, present: n > 0 }).toEqual({ kind, present: true });
    // One defect per affected record, and no line fails for a reason no defect explains.
    expect(result.lines.filter((l) => l.anomalies.length > 1)).toEqual([]);
    expect(result.lines.filter((l) => l.otherCodes.length > 0)).toEqual([]);
    expect(result.lines).toHaveLength(manifest.counts.lines);
    expect(result.valid).toBe(manifest.expected.validEvents);
    expect(result.uniqueValid).toBe(manifest.expected.uniqueValidEvents);
    // Rates are honoured within sampling noise (duplicates: 3% of all events).
    expect(manifest.defects.duplicate / manifest.counts.events).toBeGreaterThan(0.02);
    expect(manifest.defects.duplicate / manifest.counts.events).toBeLessThan(0.04);
    expect(manifest.files.stream).toHaveLength(Math.ceil(manifest.counts.lines / 4000));
  });

  it("with defects off, every line is a valid event with no violation at all", async () => {
    const out = `${tmp.dir}/clean/out`;
    const manifest = await generate({
      out,
      lakeDir: `${tmp.dir}/clean/lake`,
      seed: 5,
      events: 8000,
      days: 30,
      defects: "off",
    });
    const result = scan(streamLines(out), knownCustomerIds(out));
    expect(Object.values(manifest.defects).every((n) => n === 0)).toBe(true);
    expect(result.lines.filter((l) => l.anomalies.length > 0 || l.otherCodes.length > 0)).toEqual([]);
    expect(result.valid).toBe(8000);
  });

  it("property: for any seed and defect mix the re-scan agrees with the manifest", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.record({
          duplicate: fc.constantFrom(0, 0.05),
          late: fc.constantFrom(0, 0.05),
          invalid_email: fc.constantFrom(0, 0.1),
          unknown_customer: fc.constantFrom(0, 0.05),
          unparseable_line: fc.constantFrom(0, 0.05),
          missing_required_field: fc.constantFrom(0, 0.05),
        }),
        fc.integer({ min: 1, max: 20 }),
        async (seed, rates, days) => {
          const dir = `${tmp.dir}/prop-${run++}`;
          const out = `${dir}/out`;
          const manifest = await generate({
            out,
            lakeDir: `${dir}/lake`,
            seed,
            customers: 40,
            events: 1500,
            days,
            defects: { invalid_phone: 0, unknown_schema_version: 0.01, unexpected_field: 0.01, ...rates },
          });
          const result = scan(streamLines(out), knownCustomerIds(out));
          expect(result.counts).toEqual(manifest.defects);
          expect(result.lines.every((l) => l.anomalies.length <= 1 && l.otherCodes.length === 0)).toBe(true);
        },
      ),
      { numRuns: 6 },
    );
  });
});
