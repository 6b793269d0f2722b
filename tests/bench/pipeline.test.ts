import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { bench, copyRunState, modelsGrowingFastest, resetLake, slowestModels } from "../../bench/pipeline";
import { usePrivateTmpdir } from "../support/private-tmpdir";

// The bench's lakes in a temporary folder of this file's own (see usePrivateTmpdir).
usePrivateTmpdir();

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

  it("copies what a run wrote to another lake, in place of what that lake's run wrote, and leaves its landing files", () => {
    const other = mkdtempSync(join(tmpdir(), "c360-bench-state-"));
    const file = (root: string, rel: string, text = "x\n") => {
      mkdirSync(join(root, rel, ".."), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    const tree = (root: string): string[] =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
        .sort();
    try {
      file(lake, "landing/web/behavioral_event/ingest_date=2025-01-01/part-0.jsonl");
      file(lake, "_gen/manifest.json");
      file(lake, "bronze/events/p.parquet", "bronze of lake\n");
      file(lake, "control/loaded_files/bench.parquet");
      file(other, "landing/pos/order/ingest_date=2025-01-01/part-0.jsonl");
      file(other, "silver/orders/p.parquet");

      copyRunState(lake, other);

      expect(tree(other)).toEqual([
        "bronze/events/p.parquet",
        "control/loaded_files/bench.parquet",
        "landing/pos/order/ingest_date=2025-01-01/part-0.jsonl",
      ]);
      expect(readFileSync(join(other, "bronze/events/p.parquet"), "utf8")).toBe("bronze of lake\n");
      // A lake with nothing written: the copy leaves the other as a reset one.
      resetLake(lake);
      copyRunState(lake, other);
      expect(tree(other)).toEqual(["landing/pos/order/ingest_date=2025-01-01/part-0.jsonl"]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
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

describe("pipeline bench: models that grow faster than the data", () => {
  const run = (models: [string, number][]) =>
    [
      { layer: "silver", models: models.map(([model, durationMs]) => ({ model, durationMs })) },
    ] as unknown as Parameters<typeof modelsGrowingFastest>[0];
  it("lists the models whose time exceeds the size ratio times their peer runs' mean by the most seconds", () => {
    const own = run([
      ["silver.orders", 95_000],
      ["silver.sessions", 47_000],
      ["silver.products", 400],
      ["silver.order_items", 52_000],
    ]);
    const peers = [
      run([
        ["silver.orders", 10_000],
        ["silver.sessions", 3_600],
        ["silver.products", 100],
        ["silver.order_items", 5_000],
      ]),
      run([
        ["silver.orders", 9_000],
        ["silver.sessions", 3_400],
        ["silver.products", 140],
        ["silver.order_items", 4_600],
      ]),
    ];
    // sessions: 47 s against 10 × 3.5 s; order_items: 52 s against 10 × 4.8 s; orders and products grew less than 10×.
    expect(modelsGrowingFastest(own, peers, 10)).toBe(
      "silver.sessions 13.4× (+12 s); silver.order_items 10.8× (+4 s)",
    );
    expect(modelsGrowingFastest(own, peers, 10, 1)).toBe("silver.sessions 13.4× (+12 s)");
    expect(modelsGrowingFastest(own, peers, 20)).toBe("");
  });
});

describe("pipeline bench: the 10M point's growth", () => {
  const env = ["C360_BENCH_PIPELINE_10M", "C360_BENCH_PIPELINE_RUNS", "C360_BENCH_PIPELINE_SPARK"];
  afterEach(() => env.forEach((k) => delete process.env[k]));

  it("is measured layer by layer against the 1M point's files run right before and right after it, whose lake then goes", async () => {
    Object.assign(process.env, {
      C360_BENCH_PIPELINE_10M: "1",
      C360_BENCH_PIPELINE_RUNS: "1",
      C360_BENCH_PIPELINE_SPARK: "0",
    });
    const lakes = () => readdirSync(tmpdir()).filter((d) => d.startsWith("c360-bench-pipeline-"));
    const before = lakes();
    const lines: string[] = [];
    // Scale 0.002: the points are 1,000 (0.1M, at its floor), 2,000 (1M) and 20,000 (10M) orders.
    const results = await bench({ scale: 0.002, log: (l) => lines.push(l) });
    expect(results.map((r) => r.name)).toEqual([
      "bronze→gold, 1,000 orders",
      "bronze→gold, 2,000 orders",
      "bronze→gold, 20,000 orders",
    ]);
    const [small, peer, big] = results.map((r) => r.candidate.extra ?? {});
    expect([small!.growth_vs_peer, peer!.growth_vs_peer]).toEqual([undefined, undefined]);
    const peerRuns = lines.filter((l) => l.startsWith("pipeline 20,000 orders: peer 2,000 orders run"));
    expect(peerRuns.map((l) => l.split(":")[1])).toEqual([
      " peer 2,000 orders run before",
      " peer 2,000 orders run after",
    ]);
    // Each layer ran between two runs of that layer over the peer's files, which did the same work (the second from
    // the state the first started from: bronze loads every file again, silver and gold read the same tables).
    const layerLines = lines.filter((l) => / (bronze|silver|gold) [\d.]+ s \(CPU/.test(l));
    const perLayer = layerLines.map((l) =>
      /^pipeline 20,000 orders: (\w+) ([\d.]+) s \(CPU ([\d.]+) s\) between peer 2,000 orders runs of ([\d.]+) s and ([\d.]+) s \(CPU ([\d.]+) s and ([\d.]+) s; rows written ([\d,]+) and ([\d,]+)\)$/.exec(
        l,
      )!,
    );
    expect(perLayer.map((m) => m[1])).toEqual(["bronze", "silver", "gold"]);
    for (const m of perLayer) {
      expect(m[8]).toBe(m[9]);
      expect(Number(m[8]!.replace(/,/g, ""))).toBeGreaterThan(0);
    }
    const growthOfLayer = (m: RegExpExecArray) => Number(m[2]) / ((Number(m[4]) + Number(m[5])) / 2);
    const layerGrowth = String(big!.layer_growth_vs_peer).split(" / ");
    expect(layerGrowth.map((g) => g.split(" ")[0])).toEqual(["bronze", "silver", "gold"]);
    layerGrowth.forEach((g, i) =>
      expect(Math.abs(Number(g.split(" ")[1]) / growthOfLayer(perLayer[i]!) - 1)).toBeLessThan(0.15),
    );
    expect(String(big!.layer_cpu_growth_vs_peer)).toMatch(/^bronze [\d.]+ \/ silver [\d.]+ \/ gold [\d.]+$/);
    expect(String(big!.models_growing_fastest)).toMatch(
      /^((bronze|silver|gold)\.\w+ [\d.]+× \(\+[\d.]+ s\)(; |$))*$/,
    );
    const logged = peerRuns.map((l) => /: ([\d.]+) s \(CPU ([\d.]+) s\)$/.exec(l)!);
    const [seconds, cpuSeconds] = [1, 2].map((i) => logged.map((m) => Number(m[i])));
    expect(big!.peer_runs_s).toBe(`2,000 orders: ${seconds!.join(" / ")}`);
    expect(big!.peer_runs_cpu_s).toBe(`2,000 orders: ${cpuSeconds!.join(" / ")}`);
    // The peer's runs are the sums of its layer runs before and after each of this point's layers.
    const sum = (i: number) => perLayer.reduce((t, m) => t + Number(m[i]), 0);
    expect(Math.abs(seconds![0]! - sum(4))).toBeLessThan(0.2);
    expect(Math.abs(seconds![1]! - sum(5))).toBeLessThan(0.2);
    // The logged seconds are rounded to 0.1 s: the ratio from them is within a few percent of the reported one.
    const mean = (xs: number[]) => (xs[0]! + xs[1]!) / 2;
    const fromLog = results[2]!.candidate.medianMs / 1000 / mean(seconds!);
    expect(Math.abs(Number(big!.growth_vs_peer) / fromLog - 1)).toBeLessThan(0.1);
    // The same ratio in CPU time: the 10M point's layers' CPU seconds over the peers'.
    const cpuFromLog = Number(big!.cpu_s) / mean(cpuSeconds!);
    expect(Math.abs(Number(big!.cpu_growth_vs_peer) / cpuFromLog - 1)).toBeLessThan(0.1);
    expect(Number(big!.cpu_s)).toBeGreaterThan(0);
    // Each layer's share (one run at this point, so its layers' CPU seconds add up to the run's, to the rounding).
    const layerCpu = ["bronze", "silver", "gold"].map((l) => Number(big![`${l}_cpu_s`]));
    expect(Math.abs(layerCpu.reduce((a, b) => a + b, 0) - Number(big!.cpu_s))).toBeLessThan(0.25);
    expect(lakes()).toEqual(before);
    // Each run's layers ran in processes of their own: their peaks, their start-up, the bench process's share.
    const layerPeaks = String(big!.layer_peak_rss_mib);
    expect(layerPeaks).toMatch(/^bronze [\d,]+ \/ silver [\d,]+ \/ gold [\d,]+$/);
    const largest = Math.max(
      ...layerPeaks.split(" / ").map((p) => Number(p.split(" ")[1]!.replace(/,/g, ""))),
    );
    expect(big!.peak_rss_mib).toBe(largest + Number(big!.bench_process_rss_mib));
    expect(Number(big!.layer_startup_s)).toBeGreaterThan(0);
  }, 300_000);
});
