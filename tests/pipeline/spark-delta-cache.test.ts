/**
 * The Spark server keeps its Delta log cache only within one pipeline run: runPipeline asks it to for every layer
 * after the first (they read the tables the earlier layers just committed); a run's first layer, and a layer run on
 * its own, start from an empty cache, since a lake may have been rebuilt at the same path in between (the bench
 * resets its lake between runs). The requests are captured from a stand-in server: what the server does with the
 * flag is one line of pipeline/spark/server.py, and the parity suite runs it for real.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runLayer, runPipeline, stopSpark } from "../../pipeline";
import { SparkServer } from "../../pipeline/spark/engine";

const lake = mkdtempSync(join(tmpdir(), "c360-spark-cache-"));
const requests: { op: string; layer: string; keepDeltaCache: boolean }[] = [];

beforeAll(() => {
  const standIn = {
    request: (op: string, args: { layer: string; keepDeltaCache: boolean }) => {
      requests.push({ op, layer: args.layer, keepDeltaCache: args.keepDeltaCache });
      return Promise.resolve({ status: "succeeded", models: [] });
    },
    stop: () => Promise.resolve(),
  };
  jest.spyOn(SparkServer, "start").mockReturnValue(standIn as unknown as SparkServer);
});

afterAll(async () => {
  await stopSpark();
  jest.restoreAllMocks();
  rmSync(lake, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

test("a pipeline run keeps the cache from its second layer on, and clears it again on the next run", async () => {
  for (let run = 0; run < 2; run++)
    expect((await runPipeline({ engine: "spark", lakeDir: lake, loadId: `L${run}` })).status).toBe(
      "succeeded",
    );
  expect(requests.map((r) => [r.op, r.layer, r.keepDeltaCache])).toEqual([
    ["run_layer", "bronze", false],
    ["run_layer", "silver", true],
    ["run_layer", "gold", true],
    ["run_layer", "bronze", false],
    ["run_layer", "silver", true],
    ["run_layer", "gold", true],
  ]);
});

test("a layer run on its own, or a run starting at a later layer, starts from an empty cache", async () => {
  await runLayer("gold", { engine: "spark", lakeDir: lake, loadId: "L9" });
  await runPipeline({ engine: "spark", lakeDir: lake, loadId: "L10", layers: ["silver", "gold"] });
  expect(requests.map((r) => [r.layer, r.keepDeltaCache])).toEqual([
    ["gold", false],
    ["silver", false],
    ["gold", true],
  ]);
});
