import { benchCommand, discoverAreas, parseBenchArgs, ratio, renderMarkdown } from "../../bench/run";
import type { BenchResult } from "../../bench/types";
import { median, timeMedian } from "../../bench/types";

const result = (candidateMs: number, baselineMs: number, better?: "lower" | "higher"): BenchResult => ({
  area: "x",
  name: "scenario",
  input: "10 things",
  candidate: { label: "new", medianMs: candidateMs, runs: 3, units: 1000, unitName: "events" },
  baseline: { label: "old", medianMs: baselineMs, runs: 3, extra: { ru: 12.5 } },
  ...(better ? { better } : {}),
  note: "why",
});

describe("bench harness", () => {
  it("finds every area file but not the harness or the types", () => {
    const areas = discoverAreas();
    expect(areas).toContain("orchestration");
    expect(areas).not.toContain("run");
    expect(areas).not.toContain("types");
  });

  it("states ratios in the direction that is better", () => {
    expect(ratio(result(50, 200))).toBe("4.00× faster");
    expect(ratio(result(300, 100))).toBe("3.00× slower");
    expect(ratio(result(300, 100, "higher"))).toBe("3.00× higher");
    expect(ratio(result(0, 100))).toBe("n/a");
  });

  it("writes machine, command, a summary row per result and failures", () => {
    const md = renderMarkdown(
      [
        { area: "x", results: [result(50, 200)], durationMs: 1234 },
        { area: "y", results: [], error: "Error: boom\n  at somewhere", durationMs: 5 },
      ],
      "npm run bench --quick",
      new Date("2026-11-23T13:00:00Z"),
      2000,
      [1, 2, 3],
    );
    expect(md).toContain("- load average (1/5/15 min): 1.00 / 2.00 / 3.00 at the start");
    expect(md).toContain("- command: `npm run bench --quick`");
    expect(md).toMatch(/- CPU: \d+ × /);
    expect(md).toContain(`- Node.js ${process.version}`);
    expect(md).toContain("| x | scenario | 10 things | 50.0 ms | 200.0 ms | 4.00× faster |");
    expect(md).toContain("| y | **failed** | Error: boom | | | |");
    expect(md).toContain("| candidate | new | 50.0 ms | 3 | 20,000 events/s |  |");
    expect(md).toContain("| baseline | old | 200.0 ms | 3 |  | ru=12.5 |");
    expect(md).toContain("Ratio: **4.00× faster**. why");
  });

  it("marks a file written mid-run as incomplete, and a failed candidate as failed beside its baseline", () => {
    const failed: BenchResult = { ...result(Number.NaN, 200), error: "Spark pipeline failed: boom\nat x" };
    const md = renderMarkdown(
      [{ area: "x", results: [result(50, 200), failed], durationMs: 10 }],
      "npm run bench",
      new Date("2026-11-23T13:00:00Z"),
      2000,
      [1, 2, 3],
      "x",
    );
    expect(md).toContain(
      "- **incomplete**: written after 2.00 s while `x` was still running; the results below are those measured so far",
    );
    expect(md).not.toContain("- total time:");
    expect(ratio(failed)).toBe("failed");
    expect(md).toContain(
      "| x | scenario | 10 things | **failed**: Spark pipeline failed: boom | 200.0 ms | failed |",
    );
    expect(md).toContain("| candidate | new | failed | 3 |  |  |");
    expect(md).toContain("The candidate failed:\n\n```\nSpark pipeline failed: boom\nat x\n```");
    const done = renderMarkdown([], "npm run bench", new Date(), 2000, [1, 2, 3]);
    expect(done).toContain("- total time: 2.00 s");
    expect(done).not.toContain("incomplete");
  });

  it("medians and timing helpers", async () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    let calls = 0;
    const ms = await timeMedian(() => calls++, 5, 2);
    expect(calls).toBe(7);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});

describe("npm run bench command line (commander)", () => {
  const parse = (...argv: string[]) =>
    parseBenchArgs(argv, benchCommand().configureOutput({ writeErr: () => undefined }));

  it("defaults, --quick, --scale, --only, --out and --with-10m", () => {
    expect(parse()).toMatchObject({ only: undefined, scale: 1, with10m: false });
    expect(parse().out).toMatch(/BENCHMARKS\.md$/);
    expect(parse("--quick")).toMatchObject({ scale: 0.1 });
    expect(
      parse("--scale", "0.5", "--only", "pipeline, orchestration", "--out", "/tmp/b.md", "--with-10m"),
    ).toEqual({
      only: ["pipeline", "orchestration"],
      scale: 0.5,
      out: "/tmp/b.md",
      with10m: true,
    });
  });

  it("rejects bad values and unknown options instead of ignoring them", () => {
    expect(() => parse("--scale", "0")).toThrow(
      "option '--scale <x>' argument '0' is invalid. must be a positive number",
    );
    expect(() => parse("--scale", "lots")).toThrow("must be a positive number");
    expect(() => parse("--quick", "--scale", "2")).toThrow(
      "option '--quick' cannot be used with option '--scale <x>'",
    );
    expect(() => parse("--qiuck")).toThrow("unknown option '--qiuck'");
    expect(() => parse("--only")).toThrow("option '--only <areas>' argument missing");
  });
});
