/**
 * The pipeline bench's Spark side, with the Spark engine stood in for (a session that fails to start, the way a
 * machine without Java fails): each point's Spark run starts a session of its own and stops it when done, so the
 * next point's DuckDB runs never share the machine with an idle JVM; a failed start-up is that result's error.
 */
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";

const events: string[] = [];

jest.mock("../../pipeline/spark/engine", () => ({
  ...jest.requireActual("../../pipeline/spark/engine"),
  sparkServer: () => {
    events.push("spark start");
    return {
      pid: process.pid,
      startupMs: undefined,
      ready: Promise.reject(new Error("no Java on this machine")),
    };
  },
  stopSpark: async () => {
    events.push("spark stop");
  },
}));

import { bench } from "../../bench/pipeline";
import { usePrivateTmpdir } from "../support/private-tmpdir";

// The bench's lakes in a temporary folder of this file's own (see usePrivateTmpdir).
usePrivateTmpdir();

describe("pipeline bench: the Spark session", () => {
  const env = ["C360_BENCH_PIPELINE_RUNS", "C360_BENCH_PIPELINE_SPARK"];
  afterEach(() => env.forEach((k) => delete process.env[k]));

  it("lives for one point's Spark run: stopped before the next point generates or runs anything", async () => {
    Object.assign(process.env, { C360_BENCH_PIPELINE_RUNS: "1", C360_BENCH_PIPELINE_SPARK: "1" });
    const lakes = () => readdirSync(tmpdir()).filter((d) => d.startsWith("c360-bench-pipeline-"));
    const before = lakes();
    // Scale 0.002: the points are 1,000 (0.1M, at its floor) and 2,000 (1M) orders.
    const results = await bench({ scale: 0.002, log: (l) => events.push(l) });

    expect(results.map((r) => [r.name, r.error])).toEqual([
      ["bronze→gold, 1,000 orders", undefined],
      ["bronze→gold on Spark local[2] vs DuckDB, 1,000 orders", "no Java on this machine"],
      ["bronze→gold, 2,000 orders", undefined],
      ["bronze→gold on Spark local[2] vs DuckDB, 2,000 orders", "no Java on this machine"],
    ]);
    const steps = events
      .map((e) => (e.startsWith("spark") ? e : /^pipeline ([\d,]+ orders): (generating|run 1\/1)/.exec(e)))
      .filter((e) => e !== null)
      .map((e) => (typeof e === "string" ? e : `${e[1]} ${e[2]}`));
    expect(steps).toEqual([
      "1,000 orders generating",
      "1,000 orders run 1/1",
      "spark start",
      "spark stop",
      "2,000 orders generating",
      "2,000 orders run 1/1",
      "spark start",
      "spark stop",
      // the bench's own clean-up at the end (stopping no session is a no-op)
      "spark stop",
    ]);
    expect(lakes()).toEqual(before);
  }, 300_000);
});
