import type { Manifest } from "../../generator";
import type { PipelineRun } from "../../orchestration/executor";
import type { LayerSummary } from "../../pipeline";
import type { GoldFacts, RealtimeCounts } from "../../report";
import { buildRunReport, clvDistribution, reconcileCustomers, renderReportHtml } from "../../report";

const manifest = {
  customers: 3,
  products: 10,
  counts: { events: 100, lines: 105, byType: {}, bySource: {} },
  defects: {
    duplicate: 5,
    late: 1,
    invalid_email: 2,
    invalid_phone: 1,
    missing_required_field: 1,
    unknown_customer: 1,
    unknown_schema_version: 0,
    unparseable_line: 1,
    unexpected_field: 0,
  },
  expected: { validEvents: 100 },
  files: { catalog: ["a.csv", "a.jsonl"], stream: [], landing: [], customerIds: "" },
} as unknown as Manifest;

const realtime: RealtimeCounts = {
  eventsRead: 105,
  accepted: 100,
  quarantined: 5,
  quarantinedByCode: { invalid_email: 2, invalid_phone: 1, missing_required_field: 1, unparseable: 1 },
  duplicatesIgnored: 5,
  profilesInStore: 4,
};

const layer = (
  l: "bronze" | "silver" | "gold",
  rows: number,
  extra: Partial<LayerSummary> = {},
): LayerSummary => ({
  layer: l,
  loadId: "run-1",
  status: "succeeded",
  durationMs: 120,
  models: [
    {
      model: `${l}.t`,
      layer: l,
      materialization: "full",
      rowsIn: rows + 1,
      rowsOut: rows,
      rowsWritten: rows,
      quarantined: l === "silver" ? 1 : 0,
      durationMs: 100,
      expectations:
        l === "silver"
          ? [
              { name: "valid_email", code: "invalid_email", action: "drop", failed: 1, passed: false },
              { name: "has_name", code: "missing_required_field", action: "warn", failed: 0, passed: true },
            ]
          : [],
    },
  ],
  ...extra,
});

const gold: GoldFacts = {
  customers: 4,
  bronzeRedeliveries: 5,
  distinctResolvedCustomers: 4,
  mergedSourceIds: 0,
  identity: {
    linksMade: 3,
    refused: [
      { reason: "conflicting_holders", count: 1 },
      { reason: "shared_beyond_limit", count: 4 },
    ],
    largestCluster: 2,
  },
  valueTiers: [
    { label: "VIP", count: 1 },
    { label: "New", count: 3 },
  ],
  rfm: [{ label: "Champions", count: 1 }],
  clvValues: [0, 50, 2500, 60000],
  topCustomers: [
    {
      rank: 1,
      customerKey: "CUST-1",
      name: "<script>alert(1)</script>",
      valueSegment: "VIP",
      rfmSegment: "Champions",
      orders: 3,
      totalSpent: 1234.5,
      clv: 60000,
    },
  ],
  quality: [
    { layer: "silver", table: "silver.t", metric: "validity", value: 0.99 },
    { layer: "silver", table: "silver.t", metric: "completeness:phone", value: 0.5 },
    { layer: "silver", table: "silver.t", metric: "failed:valid_email", value: 1 },
  ],
};

const adfRun: PipelineRun = {
  runId: "run-1",
  pipelineName: "P_C360_Master",
  parameters: {},
  status: "Succeeded",
  invokedBy: { type: "Manual", name: "Manual" },
  startedAt: "",
  endedAt: "",
  durationMs: 500,
  activityRuns: [
    {
      activityName: "Run_Bronze",
      activityType: "ExecutePipeline",
      pipelineName: "P_C360_Master",
      pipelineRunId: "run-1",
      status: "Succeeded",
      attempts: 1,
      output: null,
      durationMs: 300,
      childRun: {
        runId: "run-2",
        pipelineName: "P_C360_Bronze",
        parameters: {},
        status: "Succeeded",
        invokedBy: { type: "PipelineActivity", name: "P_C360_Master" },
        startedAt: "",
        endedAt: "",
        durationMs: 290,
        activityRuns: [
          {
            activityName: "Bronze_Notebook",
            activityType: "DatabricksNotebook",
            pipelineName: "P_C360_Bronze",
            pipelineRunId: "run-2",
            status: "Succeeded",
            attempts: 2,
            output: null,
            durationMs: 280,
          },
        ],
      },
    },
  ],
};

function input(overrides: Record<string, unknown> = {}) {
  return {
    generatedAt: "2026-11-23T12:00:00.000Z",
    run: { size: "small", seed: 1, customers: 3, events: 100, lakeDir: "/tmp/lake", loadId: "run-1" },
    steps: [
      { name: "generate", status: "succeeded" as const, startMs: 0, durationMs: 200 },
      { name: "ADF master pipeline", status: "succeeded" as const, startMs: 200, durationMs: 900 },
    ],
    manifest,
    realtime,
    landed: 120,
    layers: [layer("bronze", 120), layer("silver", 90), layer("gold", 40)],
    adfRun,
    gold,
    ...overrides,
  };
}

describe("clvDistribution", () => {
  it("buckets values by range and computes statistics", () => {
    const d = clvDistribution([0, 0, 99.99, 100, 700, 5000, 75000]);
    expect(d.buckets).toEqual([
      { label: "0", count: 2 },
      { label: "0–100", count: 1 },
      { label: "100–500", count: 1 },
      { label: "500–1k", count: 1 },
      { label: "1k–5k", count: 0 },
      { label: "5k–10k", count: 1 },
      { label: "10k–50k", count: 0 },
      { label: "≥ 50k", count: 1 },
    ]);
    expect(d.customers).toBe(7);
    expect(d.median).toBe(100);
    expect(d.max).toBe(75000);
    expect(d.p90).toBe(75000);
    expect(d.mean).toBeCloseTo(80899.99 / 7, 6);
  });
});

describe("buildRunReport", () => {
  it("counts each stage and reconciles them", () => {
    const r = buildRunReport(input());
    expect(r.status).toBe("succeeded");
    expect(r.stages.map((s) => [s.stage, s.count])).toEqual([
      ["generated", 105],
      ["accepted", 100],
      ["quarantined (real-time)", 5],
      ["duplicates ignored", 5],
      ["profiles (Cosmos DB)", 4],
      ["landed", 120],
      ["bronze rows", 120],
      ["silver rows", 90],
      ["gold rows", 40],
      ["gold customers", 4],
    ]);
    expect(r.reconciliation.every((c) => c.ok)).toBe(true);
    expect(r.reconciliation.map((c) => c.check)).toEqual([
      "generated lines = accepted + quarantined",
      "accepted = events the generator made valid",
      "defect invalid_email → quarantined as invalid_email",
      "defect invalid_phone → quarantined as invalid_phone",
      "defect missing_required_field → quarantined as missing_required_field",
      "defect unknown_schema_version → quarantined as unknown_schema_version",
      "defect unparseable_line → quarantined as unparseable",
      "landed = accepted + catalog extract rows",
      "bronze rows = landed records",
      "defect unexpected_field → silver no_unexpected_fields warnings",
      "defect duplicate → redelivered copies in bronze",
      "gold customers = distinct resolved customers",
      "gold customers = real-time profiles − source ids merged into another customer",
    ]);
    expect(r.reconciliation.find((c) => c.check.startsWith("landed"))).toMatchObject({
      expected: 120,
      actual: 120,
    });
    expect(r.quarantine).toEqual([
      { stage: "real-time", code: "invalid_email", count: 2 },
      { stage: "real-time", code: "invalid_phone", count: 1 },
      { stage: "real-time", code: "missing_required_field", count: 1 },
      { stage: "real-time", code: "unparseable", count: 1 },
      { stage: "silver.t", code: "valid_email", count: 1 },
    ]);
    expect(r.adf.activities.map((a) => [a.activity, a.depth, a.attempts])).toEqual([
      ["Run_Bronze", 0, 1],
      ["Bronze_Notebook", 1, 2],
    ]);
  });

  it("fails the report when a count does not reconcile or a step failed", () => {
    const r = buildRunReport(
      input({
        realtime: { ...realtime, quarantinedByCode: { ...realtime.quarantinedByCode, invalid_email: 1 } },
      }),
    );
    expect(r.status).toBe("failed");
    expect(r.reconciliation.filter((c) => !c.ok)).toEqual([
      { check: "defect invalid_email → quarantined as invalid_email", expected: 2, actual: 1, ok: false },
    ]);
    const f = buildRunReport(
      input({
        steps: [{ name: "real-time path", status: "failed", startMs: 0, durationMs: 5, detail: "x" }],
        gold: undefined,
        layers: [],
      }),
    );
    expect(f.status).toBe("failed");
    expect(f.layers.map((l) => l.status)).toEqual(["not run", "not run", "not run"]);
    expect(f.notes).toContain(
      "Gold tables were not available, so segments, CLV and top customers are empty.",
    );
  });
});

describe("renderReportHtml", () => {
  const html = renderReportHtml(buildRunReport(input()));

  it("is one self-contained page: no script, no external resource", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\//i);
  });

  it("escapes data (a customer name cannot inject markup)", () => {
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("draws one chart per figure with one mark per value", () => {
    const charts = html
      .match(/<svg class="chart"[^>]*aria-label="([^"]+)"/g)!
      .map((s) => /aria-label="([^"]+)"/.exec(s)![1]);
    expect(charts).toEqual([
      "step timeline",
      "records per stage",
      "quarantined records by reason",
      "completeness by column",
      "customers per value tier",
      "customers per RFM segment",
      "CLV distribution",
    ]);
    const section = (id: string) =>
      html.slice(
        html.indexOf(`<section id="${id}"`),
        html.indexOf("</section>", html.indexOf(`<section id="${id}"`)),
      );
    expect(section("stages").match(/<g class="bar">/g)).toHaveLength(10);
    expect(section("quarantine").match(/<g class="bar">/g)).toHaveLength(5);
    expect(section("clv").match(/<g class="col">/g)).toHaveLength(8);
    expect(section("timing").match(/<g class="span">/g)).toHaveLength(2);
    // The largest stage bar spans the whole plot width (560 - 200 label - 90 value = 270).
    expect(section("stages")).toMatch(/<rect x="200" y="\d+" width="270.0"/);
  });

  it("shows the tables a reader looks for", () => {
    for (const id of [
      "summary",
      "reconciliation",
      "timing",
      "stages",
      "quarantine",
      "layers",
      "segments",
      "clv",
      "top-customers",
      "adf",
      "identity",
    ])
      expect(html).toContain(`<section id="${id}"`);
    // Identity resolution: links made, refused by reason, the largest cluster.
    const identity = html.slice(html.indexOf('<section id="identity"'));
    expect(identity).toMatch(/links made[^<]*<\/td><td class="n">3</);
    expect(identity).toMatch(/links refused: shared_beyond_limit<\/td><td class="n">4</);
    expect(identity).toMatch(/largest cluster[^<]*<\/td><td class="n">2</);
    expect(html).toContain("1,234.50");
    expect(html).toContain("<code>silver.t</code>");
    expect(html).toContain("valid_email (drop): 1");
    // One data-quality row per table: validity, completeness and rule failures side by side.
    expect(html).toContain(
      '<td><code>silver.t</code></td><td class="n">99.0%</td><td class="n">0</td><td>phone 50.0%</td><td></td><td>valid_email 1</td>',
    );
  });
});

describe("data-quality score", () => {
  const score = {
    table: "silver.customers",
    score: 0.865,
    status: "degraded" as const,
    belowLevel: ["completeness", "timeliness"],
    completeness: 0.9,
    accuracy: 0.875,
    consistency: null,
    timeliness: 0.75,
    validity: 0.8,
    uniqueness: 1,
  };
  const withScore = () =>
    input({
      layers: [layer("bronze", 120), layer("silver", 90), layer("gold", 40, { dataQuality: [score] })],
    });

  it("comes from the gold run's summary", () => {
    expect(buildRunReport(withScore()).dataQualityScores).toEqual([score]);
    expect(buildRunReport(input()).dataQualityScores).toEqual([]);
  });

  it("is shown per table with its dimensions and the ones under their level", () => {
    const html = renderReportHtml(buildRunReport(withScore()));
    expect(html).toContain(
      '<td><code>silver.customers</code></td><td class="n">86.5%</td><td>degraded</td><td>completeness, timeliness</td><td class="n">90.0%</td><td class="n">87.5%</td><td class="n">–</td><td class="n">75.0%</td><td class="n">80.0%</td><td class="n">100%</td>',
    );
    expect(renderReportHtml(buildRunReport(input()))).toContain("No data-quality score for this load");
  });
});

describe("per-customer reconciliation of the real-time store with gold", () => {
  const run = (
    profiles: { customerId: string; totalSpent: number; orders: number; valueSegment: string }[],
    gold: {
      customerKey: string;
      totalSpent: number;
      orders: number;
      valueSegment: string;
      sourceIds: string[];
    }[],
  ) => {
    const checks: { name: string; expected: number; actual: number }[] = [];
    reconcileCustomers(profiles, gold, (name, expected, actual) => checks.push({ name, expected, actual }));
    return Object.fromEntries(checks.map((c) => [c.name.replace("per customer: ", ""), c.actual]));
  };

  it("sums a merged customer's source profiles and takes the contract's tier of the sums", () => {
    const r = run(
      [
        { customerId: "C1", totalSpent: 2600.5, orders: 8, valueSegment: "Regular" },
        { customerId: "POS-1", totalSpent: 10, orders: 3, valueSegment: "New" },
        { customerId: "C2", totalSpent: -30, orders: 1, valueSegment: "New" },
      ],
      [
        {
          customerKey: "C1",
          totalSpent: 2610.5,
          orders: 11,
          valueSegment: "Premium",
          sourceIds: ["C1", "POS-1"],
        },
        { customerKey: "C2", totalSpent: -30, orders: 1, valueSegment: "New", sourceIds: ["C2"] },
      ],
    );
    expect(r).toEqual({
      "real-time orders = gold orders": 2,
      "real-time net spend = gold net spend": 2,
      "real-time value tier = gold value tier": 2,
    });
  });

  it("counts a customer whose spend or tier differs (gold ignoring a completed return)", () => {
    const r = run(
      [{ customerId: "C1", totalSpent: 480, orders: 6, valueSegment: "New" }],
      [{ customerKey: "C1", totalSpent: 600, orders: 6, valueSegment: "Regular", sourceIds: ["C1"] }],
    );
    expect(r).toEqual({
      "real-time orders = gold orders": 1,
      "real-time net spend = gold net spend": 0,
      "real-time value tier = gold value tier": 0,
    });
  });
});
