/**
 * A small `npm start`, in-process: fresh Azurite and Cosmos servers, generator, real-time handlers,
 * the ADF master pipeline on DuckDB, and the report, which a real headless Chromium then opens.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

import { DEFECT_KINDS } from "../../generator";
import { type EndToEndResult, runEndToEnd } from "../../orchestration/end-to-end";
import { DEFECT_TO_CODE } from "../../report/collect";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("npm start, small, end to end", () => {
  let dir: string;
  let result: EndToEndResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "c360-e2e-"));
    result = await runEndToEnd({
      size: 1500,
      seed: 7,
      startDate: "2026-09-01",
      lakeDir: join(dir, "lake"),
      outDir: join(dir, "out"),
      forceLocalServices: true,
    });
  }, 240_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every step", () => {
    expect(result.report.steps.map((s) => [s.name, s.status])).toEqual([
      ["local services", "succeeded"],
      ["generate", "succeeded"],
      ["real-time path", "succeeded"],
      ["ADF master pipeline", "succeeded"],
      ["read gold tables", "succeeded"],
      ["write report", "succeeded"],
    ]);
    expect(result.adfRun!.status).toBe("Succeeded");
    expect(result.layers.map((l) => [l.layer, l.status])).toEqual([
      ["bronze", "succeeded"],
      ["silver", "succeeded"],
      ["gold", "succeeded"],
    ]);
    // All three layers ran under the master run's id.
    expect(new Set(result.layers.map((l) => l.loadId))).toEqual(new Set([result.adfRun!.runId]));
  });

  it("reconciles counts across stages", () => {
    const m = result.manifest!;
    const rt = result.realtime!;
    expect(rt.eventsRead).toBe(m.counts.lines);
    expect(rt.accepted + rt.quarantined).toBe(m.counts.lines);
    expect(rt.accepted).toBe(m.expected.validEvents);
    // Each quarantining defect kind shows up as exactly its own reason code, as many times as injected.
    for (const [kind, code] of Object.entries(DEFECT_TO_CODE)) {
      expect(DEFECT_KINDS).toContain(kind);
      expect([kind, rt.quarantinedByCode[code] ?? 0]).toEqual([
        kind,
        m.defects[kind as keyof typeof m.defects],
      ]);
    }
    expect(Object.values(rt.quarantinedByCode).reduce((a, b) => a + b, 0)).toBe(rt.quarantined);
    // The run holds defects worth reconciling.
    expect(rt.quarantined).toBeGreaterThan(0);
    // Redelivered copies are accepted (idempotency is downstream), land raw in bronze and are deduplicated in silver.
    expect(result.gold!.bronzeRedeliveries).toBe(m.defects.duplicate);
    expect(m.defects.duplicate).toBeGreaterThan(0);
    const gold = result.gold!;
    expect(gold.customers).toBeGreaterThan(0);
    expect(gold.customers).toBe(gold.distinctResolvedCustomers);
    expect(result.report.reconciliation.filter((c) => !c.ok)).toEqual([]);
    expect(result.report.status).toBe("succeeded");
  });

  it("the report renders in a real browser with its charts and tables", async () => {
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) external.push(req.url());
      });
      await page.goto(`file://${result.paths.html}`);
      expect(await page.title()).toBe("c360 run report");
      const charts = await page.$$eval("svg.chart", (els) =>
        els.map((e) => ({
          label: e.getAttribute("aria-label"),
          marks: e.querySelectorAll("rect").length,
          width: e.getBoundingClientRect().width,
        })),
      );
      expect(charts.map((c) => c.label)).toEqual([
        "step timeline",
        "records per stage",
        "quarantined records by reason",
        "completeness by column",
        "customers per value tier",
        "customers per RFM segment",
        "CLV distribution",
      ]);
      for (const c of charts) {
        expect(c.marks).toBeGreaterThan(0);
        expect(c.width).toBeGreaterThan(200);
      }
      const r = result.report;
      expect(await page.$$eval("#reconciliation tbody tr", (rows) => rows.length)).toBe(
        r.reconciliation.length,
      );
      expect(await page.$$eval("#top-customers tbody tr", (rows) => rows.length)).toBe(r.topCustomers.length);
      expect(r.topCustomers.length).toBeGreaterThan(0);
      expect(await page.$$eval("#adf tbody tr", (rows) => rows.length)).toBe(r.adf.activities.length);
      const firstTop = await page.$eval("#top-customers tbody tr td:nth-child(2)", (td) => td.textContent);
      expect(firstTop).toBe(r.topCustomers[0].customerKey);
      expect(await page.$eval("#summary", (s) => s.textContent)).toContain(
        r.stages[0].count.toLocaleString("en-US"),
      );
      expect(external).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
