/**
 * A layer in a process of its own (RunParams.isolate, pipeline/duckdb/layer-process.ts): the same tables and
 * summary (quarantine counts included) as in process, its progress forwarded, its start-up and peak memory
 * reported; a layer process that dies says how, and one whose parent goes away stops.
 */
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

import { type ProgressEvent, runPipeline } from "../../pipeline";
import { LAYER_PROCESS_MAIN, runLayerProcess, TSX_EXEC_ARGV } from "../../pipeline/duckdb/layer-process";
import { lakeTables, tempLake, writeDay1 } from "./fixture";

jest.setTimeout(120_000);

const lake = (): string => {
  const dir = tempLake();
  writeDay1(dir);
  return dir;
};

/** A summary without what differs between two runs of the same load: times and the layer process's figures. */
const stable = (s: Awaited<ReturnType<typeof runPipeline>>) =>
  s.layers.map(({ durationMs: _d, process: _p, models, ...rest }) => ({
    ...rest,
    models: models.map(({ durationMs: _m, ...m }) => m),
  }));

test("isolated layers write what in-process layers write, and report the same summary and progress", async () => {
  const params = { loadId: "L1", windowEnd: "2025-03-02" };
  const inProcess: ProgressEvent[] = [];
  const isolated: ProgressEvent[] = [];
  const a = lake();
  const b = lake();
  const direct = await runPipeline({ ...params, lakeDir: a, onProgress: (e) => inProcess.push(e) });
  const forked = await runPipeline({
    ...params,
    lakeDir: b,
    isolate: true,
    onProgress: (e) => isolated.push(e),
  });
  expect(direct.status).toBe("succeeded");
  expect(stable(forked)).toEqual(stable(direct));
  const withoutTimes = (events: ProgressEvent[]) =>
    events.map(({ summary, ...e }) => ({ ...e, rows: summary?.rowsOut }));
  expect(withoutTimes(isolated)).toEqual(withoutTimes(inProcess));
  for (const l of forked.layers) {
    expect(l.process!.startupMs).toBeGreaterThan(0);
    expect(l.process!.peakRssMb).toBeGreaterThan(50);
    // The layer's CPU time, in milliseconds: some, and not more than its threads (DuckDB's, one per core, and Node's
    // main and GC threads) could spend in its wall time.
    expect(l.process!.cpuMs).toBeGreaterThan(0);
    expect(l.process!.cpuMs).toBeLessThan(l.durationMs * (availableParallelism() + 2) + 1000);
  }
  expect(direct.layers.every((l) => l.process === undefined)).toBe(true);
  // the wall clock of the run that wrote a row
  const omit = ["computed_at", "ingested_at", "processed_at", "quarantined_at"];
  expect(await lakeTables(b, omit)).toEqual(await lakeTables(a, omit));
});

test("a layer that fails in its process comes back failed with the layer's error", async () => {
  const s = await runPipeline({
    lakeDir: lake(),
    loadId: "L1",
    windowEnd: "not-a-date",
    isolate: true,
  });
  expect(s.status).toBe("failed");
  expect(s.layers).toHaveLength(1);
  expect(s.layers[0]!.error).toBe("windowEnd is not an ISO date or timestamp: not-a-date");
});

test("a layer process that dies before its summary fails the layer with its exit and stderr", async () => {
  const dir = lake();
  const entry = join(dir, "dies.js");
  writeFileSync(entry, `process.stderr.write("out of memory while sorting\\n"); process.exit(3);`);
  const s = await runLayerProcess(
    { layer: "silver", params: { lakeDir: dir, loadId: "L9" } },
    undefined,
    entry,
  );
  expect(s).toMatchObject({ layer: "silver", loadId: "L9", status: "failed", models: [] });
  expect(s.error).toBe("layer process exited (code 3) before its summary: out of memory while sorting");
});

test("a layer process whose parent goes away before sending its layer stops", async () => {
  const child = fork(LAYER_PROCESS_MAIN, [], {
    execArgv: TSX_EXEC_ARGV,
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  await new Promise((ready) => child.once("message", ready));
  const exit = new Promise((done) => child.once("exit", (code) => done(code)));
  child.disconnect();
  expect(await exit).toBe(1);
});
