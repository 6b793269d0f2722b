/**
 * Builds the RunReport from what each step of `npm start` returned (generator manifest, real-time summary,
 * layer summaries, the Data Factory run) and from the gold tables in the lake (read with DuckDB).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { valueSegment } from "../contracts";
import type { Manifest } from "../generator";
import type { PipelineRun } from "../orchestration/executor";
import type { LayerSummary } from "../pipeline";
import type {
  AdfActivityRow,
  Bucket,
  LayerReport,
  QualityMetric,
  ReasonCount,
  ReconciliationCheck,
  RunReport,
  StageCount,
  StepTiming,
  TopCustomer,
  TraitsSyncReport,
} from "./types";

/** What the real-time step reports (functions/src/local/driver.ts RealtimeSummary, the fields used here). */
export interface RealtimeCounts {
  eventsRead: number;
  accepted: number;
  quarantined: number;
  quarantinedByCode: Record<string, number>;
  duplicatesIgnored: number;
  profilesInStore: number;
  /** Each stored profile's order count, net spend and value tier. */
  profiles?: { customerId: string; totalSpent: number; orders: number; valueSegment: string }[];
}

/** A gold customer's order figures and the source ids resolved into it. */
export interface GoldCustomerTotals {
  customerKey: string;
  totalSpent: number;
  orders: number;
  valueSegment: string;
  sourceIds: string[];
}

export interface GoldFacts {
  customers: number;
  /** bronze.events rows of the stream (not the catalog) minus their distinct event ids: redelivered copies kept raw. */
  bronzeRedeliveries: number;
  distinctResolvedCustomers: number;
  /** Source ids seen in events (profiles, orders, behaviour, support) that resolved into another id's key. */
  mergedSourceIds: number;
  /** silver.identity_links: links made, links refused by reason, and the largest resolved cluster. */
  identity: IdentitySummary;
  /** Every gold.customer_360 row's orders, net spend and tier, with its source ids (per-customer reconciliation). */
  customerTotals?: GoldCustomerTotals[];
  valueTiers: Bucket[];
  rfm: Bucket[];
  clvValues: number[];
  topCustomers: TopCustomer[];
  quality: QualityMetric[];
}

export interface IdentitySummary {
  linksMade: number;
  refused: { reason: string; count: number }[];
  largestCluster: number;
}

/** Generator defect kind → the quarantine code the real-time path gives it (contracts ERROR_CODES). */
export const DEFECT_TO_CODE: Record<string, string> = {
  invalid_email: "invalid_email",
  invalid_phone: "invalid_phone",
  missing_required_field: "missing_required_field",
  unknown_schema_version: "unknown_schema_version",
  unparseable_line: "unparseable",
};

const CLV_EDGES = [0, 100, 500, 1_000, 5_000, 10_000, 50_000];

/** Buckets (0, then ranges between the edges, then ≥ last) and summary statistics of CLV values. */
export function clvDistribution(values: number[]): RunReport["clv"] {
  const label = (lo: number, hi?: number) => {
    const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
    return hi === undefined ? `≥ ${k(lo)}` : `${k(lo)}–${k(hi)}`;
  };
  const buckets: Bucket[] = [{ label: "0", count: 0 }];
  for (let i = 0; i < CLV_EDGES.length; i++)
    buckets.push({ label: label(CLV_EDGES[i], CLV_EDGES[i + 1]), count: 0 });
  for (const v of values) {
    if (v <= 0) {
      buckets[0].count++;
      continue;
    }
    let i = CLV_EDGES.length - 1;
    while (i > 0 && v < CLV_EDGES[i]) i--;
    buckets[i + 1].count++;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : 0;
  return {
    buckets,
    customers: values.length,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
    median: q(0.5),
    p90: q(0.9),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
  };
}

/** Records in the landing zone: JSONL lines plus CSV data rows (header excluded). */
export function countLanding(lakeDir: string): number {
  const root = join(lakeDir, "landing");
  if (!existsSync(root)) return 0;
  let n = 0;
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".jsonl") || f.endsWith(".csv")) {
        const lines = readFileSync(p, "utf8")
          .split("\n")
          .filter((l) => l.trim() !== "").length;
        n += f.endsWith(".csv") ? Math.max(0, lines - 1) : lines;
      }
    }
  };
  walk(root);
  return n;
}

/** Reads the gold facts the report shows, with one embedded DuckDB instance. */
export async function readGold(lakeDir: string, loadId?: string): Promise<GoldFacts> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const table = (zone: string, name: string) => {
    const dir = join(lakeDir, zone, name);
    if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith(".parquet")))
      throw new Error(`table ${zone}.${name} has no Parquet files in ${dir}`);
    return `read_parquet('${join(dir, "*.parquet").replace(/'/g, "''")}')`;
  };
  const rows = async <T>(sql: string): Promise<T[]> =>
    (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
  try {
    const c360 = table("gold", "customer_360");
    const [{ n }] = await rows<{ n: string }>(`SELECT count(*) AS n FROM ${c360}`);
    const [{ d }] = await rows<{ d: string }>(
      `SELECT count(DISTINCT customer_key) AS d FROM ${table("silver", "customer_identity")}`,
    );
    const [{ r }] = await rows<{ r: string }>(
      `SELECT count(*) - count(DISTINCT event_id) AS r FROM ${table("bronze", "events")} WHERE source_system <> 'catalog'`,
    );
    const identity = table("silver", "customer_identity");
    const seenIds = ["customers", "orders", "behavioral_events", "support_interactions"]
      .map((t) => `SELECT customer_id FROM ${table("silver", t)} WHERE customer_id IS NOT NULL`)
      .join(" UNION ");
    const [{ merged, largest }] = await rows<{ merged: string; largest: string | null }>(
      `SELECT count(*) FILTER (WHERE customer_key <> source_customer_id AND source_customer_id IN (${seenIds})) AS merged,
              max(cluster_size) AS largest
       FROM ${identity}`,
    );
    const links = await rows<{ status: string; reason: string | null; count: string }>(
      `SELECT link_status AS status, refusal_reason AS reason, count(*) AS count
       FROM ${table("silver", "identity_links")} GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const totals = await rows<{ k: string; spent: string; orders: string; tier: string; ids: string }>(
      `SELECT c.customer_key AS k, CAST(c.total_spent AS VARCHAR) AS spent, c.total_orders AS orders,
              c.value_segment AS tier, string_agg(i.source_customer_id, ',' ORDER BY i.source_customer_id) AS ids
       FROM ${c360} AS c LEFT JOIN ${identity} AS i ON i.customer_key = c.customer_key
       GROUP BY 1, 2, 3, 4`,
    );
    const tiers = await rows<{ label: string; count: string }>(
      `SELECT coalesce(value_segment, 'unknown') AS label, count(*) AS count FROM ${c360} GROUP BY 1`,
    );
    const tierOrder = ["VIP", "Premium", "Regular", "New"];
    const rfm = await rows<{ label: string; count: string }>(
      `SELECT rfm_segment AS label, count(*) AS count FROM ${table("gold", "customer_segments")} GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    const clv = await rows<{ v: string }>(
      `SELECT CAST(factor_clv AS DOUBLE) AS v FROM ${table("gold", "customer_lifetime_value")} WHERE factor_clv IS NOT NULL`,
    );
    const top = await rows<Record<string, string | null>>(
      // top_customers is pseudonymous; the names come from the restricted contact view (the local report of a
      // synthetic run is the operator's own use of it)
      `SELECT t.revenue_rank, t.customer_key, c.first_name, c.last_name, t.value_segment, t.rfm_segment, t.total_orders,
              CAST(t.total_spent AS DOUBLE) AS total_spent, CAST(t.factor_clv AS DOUBLE) AS clv
       FROM ${table("gold", "top_customers")} AS t
       LEFT JOIN ${table("gold", "customer_contacts")} AS c ON c.customer_key = t.customer_key
       ORDER BY t.revenue_rank LIMIT 15`,
    );
    const quality = await rows<{ layer: string; table_name: string; metric: string; v: string }>(
      `SELECT layer, table_name, metric, CAST(metric_value AS DOUBLE) AS v FROM ${table("gold", "data_quality_metrics")}
       WHERE (metric IN ('validity', 'quarantined') OR metric LIKE 'completeness:%' OR metric LIKE 'uniqueness:%'
              OR (metric LIKE 'failed:%' AND metric_value > 0))
         ${loadId ? `AND load_id = '${loadId.replace(/'/g, "''")}'` : ""}
       ORDER BY CASE layer WHEN 'bronze' THEN 1 WHEN 'silver' THEN 2 ELSE 3 END, table_name, metric`,
    );
    return {
      customers: Number(n),
      bronzeRedeliveries: Number(r),
      distinctResolvedCustomers: Number(d),
      mergedSourceIds: Number(merged),
      customerTotals: totals.map((t) => ({
        customerKey: t.k,
        totalSpent: Number(t.spent),
        orders: Number(t.orders),
        valueSegment: t.tier,
        sourceIds: (t.ids ?? "").split(",").filter(Boolean),
      })),
      identity: {
        linksMade: links.filter((l) => l.status === "linked").reduce((n, l) => n + Number(l.count), 0),
        refused: links
          .filter((l) => l.status === "refused")
          .map((l) => ({ reason: String(l.reason), count: Number(l.count) })),
        largestCluster: Number(largest ?? 0),
      },
      valueTiers: tiers
        .map((t) => ({ label: t.label, count: Number(t.count) }))
        .sort((a, b) => tierOrder.indexOf(a.label) - tierOrder.indexOf(b.label)),
      rfm: rfm.map((t) => ({ label: t.label, count: Number(t.count) })),
      clvValues: clv.map((r) => Number(r.v)),
      topCustomers: top.map((t) => ({
        rank: Number(t.revenue_rank),
        customerKey: String(t.customer_key),
        name: [t.first_name, t.last_name].filter(Boolean).join(" "),
        valueSegment: String(t.value_segment ?? ""),
        rfmSegment: String(t.rfm_segment ?? ""),
        orders: Number(t.total_orders),
        totalSpent: Number(t.total_spent),
        clv: Number(t.clv ?? 0),
      })),
      quality: quality.map((q) => ({
        layer: q.layer,
        table: q.table_name,
        metric: q.metric,
        value: Number(q.v),
      })),
    };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

export interface ReportInput {
  title?: string;
  generatedAt: string;
  run: RunReport["run"];
  steps: StepTiming[];
  manifest?: Manifest;
  realtime?: RealtimeCounts;
  landed?: number;
  layers: LayerSummary[];
  adfRun?: PipelineRun;
  gold?: GoldFacts;
  traitsSync?: TraitsSyncReport;
  notes?: string[];
}

/**
 * Per customer, the real-time store and gold agree on the order metrics (contracts/order-metrics.ts): a gold
 * customer's orders and net spend are the sums over the real-time profiles of its source ids (the store keeps one
 * profile per source id), and its value tier is the contract's tier of those sums — for a customer with one
 * source id, the profile's own stored tier. Each check counts the customers that agree, out of all of them.
 */
export function reconcileCustomers(
  profiles: NonNullable<RealtimeCounts["profiles"]>,
  gold: GoldCustomerTotals[],
  check: (name: string, expected: number, actual: number) => void,
): void {
  const byId = new Map(profiles.map((p) => [p.customerId, p]));
  let spendAgrees = 0;
  let ordersAgree = 0;
  let tierAgrees = 0;
  for (const g of gold) {
    const mine = g.sourceIds.map((id) => byId.get(id)).filter((p) => p !== undefined);
    const cents = mine.reduce((n, p) => n + Math.round(p.totalSpent * 100), 0);
    const orders = mine.reduce((n, p) => n + p.orders, 0);
    const tier = mine.length === 1 ? mine[0]!.valueSegment : valueSegment(cents / 100, orders);
    if (cents === Math.round(g.totalSpent * 100)) spendAgrees++;
    if (orders === g.orders) ordersAgree++;
    if (tier === g.valueSegment) tierAgrees++;
  }
  check("per customer: real-time orders = gold orders", gold.length, ordersAgree);
  check("per customer: real-time net spend = gold net spend", gold.length, spendAgrees);
  check("per customer: real-time value tier = gold value tier", gold.length, tierAgrees);
}

/** Flattens a pipeline run tree into rows, children under their ExecutePipeline/IfCondition activity. */
export function adfRows(run: PipelineRun): AdfActivityRow[] {
  const out: AdfActivityRow[] = [];
  const walk = (r: PipelineRun, depth: number) => {
    for (const a of r.activityRuns) {
      out.push({
        pipeline: r.pipelineName,
        activity: a.activityName,
        type: a.activityType,
        status: a.status,
        attempts: a.attempts,
        durationMs: a.durationMs,
        depth,
      });
      for (const n of a.nested ?? [])
        out.push({
          pipeline: r.pipelineName,
          activity: n.activityName,
          type: n.activityType,
          status: n.status,
          attempts: n.attempts,
          durationMs: n.durationMs,
          depth: depth + 1,
        });
      if (a.childRun) walk(a.childRun, depth + 1);
    }
  };
  walk(run, 0);
  return out;
}

/** Composes the report; pure (no I/O). */
export function buildRunReport(input: ReportInput): RunReport {
  const notes = [...(input.notes ?? [])];
  const m = input.manifest;
  const rt = input.realtime;
  // The last summary per layer (a retried layer reports once per attempt).
  const lastByLayer = new Map(input.layers.map((l) => [l.layer, l]));
  const layers: LayerReport[] = (["bronze", "silver", "gold"] as const).map((layer) => {
    const l = lastByLayer.get(layer);
    if (!l) return { layer, status: "not run", durationMs: 0, rows: 0, quarantined: 0, models: [] };
    return {
      layer,
      status: l.status,
      durationMs: l.durationMs,
      rows: l.models.reduce((n, x) => n + x.rowsOut, 0),
      quarantined: l.models.reduce((n, x) => n + x.quarantined, 0),
      ...(l.error ? { error: l.error } : {}),
      models: l.models.map((x) => ({
        model: x.model,
        rowsIn: x.rowsIn,
        rowsOut: x.rowsOut,
        rowsWritten: x.rowsWritten,
        quarantined: x.quarantined,
        durationMs: x.durationMs,
        failedExpectations: x.expectations
          .filter((e) => e.failed > 0)
          .map((e) => ({ name: e.name, action: e.action, failed: e.failed })),
      })),
    };
  });
  const layer = (name: string) => layers.find((l) => l.layer === name)!;

  const stages: StageCount[] = [];
  if (m)
    stages.push({
      stage: "generated",
      count: m.counts.lines,
      note: "stream lines delivered (events plus redelivered copies)",
    });
  if (rt) {
    stages.push({
      stage: "accepted",
      count: rt.accepted,
      note: "valid events accepted by the Event Hub handlers",
    });
    stages.push({
      stage: "quarantined (real-time)",
      count: rt.quarantined,
      note: "rejected by the handlers, kept with their reason",
    });
    stages.push({
      stage: "duplicates ignored",
      count: rt.duplicatesIgnored,
      note: "redelivered events the profile store already applied",
    });
    stages.push({
      stage: "profiles (Cosmos DB)",
      count: rt.profilesInStore,
      note: "customer profiles in the real-time store",
    });
  }
  if (input.landed !== undefined)
    stages.push({
      stage: "landed",
      count: input.landed,
      note: "records in the landing zone (events and catalog extracts)",
    });
  for (const l of layers)
    if (l.status !== "not run")
      stages.push({
        stage: `${l.layer} rows`,
        count: l.rows,
        note: `rows in the ${l.layer} tables after the run`,
      });
  if (input.gold)
    stages.push({ stage: "gold customers", count: input.gold.customers, note: "rows of gold.customer_360" });

  const quarantine: ReasonCount[] = [];
  for (const [code, count] of Object.entries(rt?.quarantinedByCode ?? {}))
    if (count > 0) quarantine.push({ stage: "real-time", code, count });
  for (const l of layers)
    for (const x of l.models)
      for (const e of x.failedExpectations)
        if (e.action === "drop") quarantine.push({ stage: x.model, code: e.name, count: e.failed });

  const reconciliation: ReconciliationCheck[] = [];
  const check = (name: string, expected: number, actual: number) =>
    reconciliation.push({ check: name, expected, actual, ok: expected === actual });
  if (m && rt) {
    check("generated lines = accepted + quarantined", m.counts.lines, rt.accepted + rt.quarantined);
    check("accepted = events the generator made valid", m.expected.validEvents, rt.accepted);
    for (const [kind, code] of Object.entries(DEFECT_TO_CODE))
      check(
        `defect ${kind} → quarantined as ${code}`,
        m.defects[kind as keyof typeof m.defects] ?? 0,
        rt.quarantinedByCode[code] ?? 0,
      );
  }
  if (m && rt && input.landed !== undefined) {
    const catalogRows = m.files.catalog.length * m.products;
    check("landed = accepted + catalog extract rows", rt.accepted + catalogRows, input.landed);
  }
  const bronze = layer("bronze");
  if (input.landed !== undefined && bronze.status === "succeeded")
    check("bronze rows = landed records", input.landed, bronze.rows);
  if (m && layer("silver").status === "succeeded") {
    // The generator's extra payload fields are kept (rescued) and flagged by silver's warn rule, once per event.
    const warned = layer("silver")
      .models.flatMap((x) => x.failedExpectations)
      .filter((e) => e.name === "no_unexpected_fields")
      .reduce((n, e) => n + e.failed, 0);
    check(
      "defect unexpected_field → silver no_unexpected_fields warnings",
      m.defects.unexpected_field ?? 0,
      warned,
    );
  }
  if (m && input.gold)
    check(
      "defect duplicate → redelivered copies in bronze",
      m.defects.duplicate ?? 0,
      input.gold.bronzeRedeliveries,
    );
  if (input.gold) {
    check(
      "gold customers = distinct resolved customers",
      input.gold.distinctResolvedCustomers,
      input.gold.customers,
    );
    // The real-time store keeps one profile per source id; gold one row per resolved customer.
    if (rt)
      check(
        "gold customers = real-time profiles − source ids merged into another customer",
        rt.profilesInStore - input.gold.mergedSourceIds,
        input.gold.customers,
      );
    if (rt?.profiles && input.gold.customerTotals)
      reconcileCustomers(rt.profiles, input.gold.customerTotals, check);
  } else notes.push("Gold tables were not available, so segments, CLV and top customers are empty.");
  const ts = input.traitsSync;
  if (ts) {
    if (input.gold) check("traits sync customers = gold customers", input.gold.customers, ts.customers);
    check(
      "traits synced + skipped unchanged + erased = traits sync customers",
      ts.customers,
      ts.synced + ts.skippedUnchanged + ts.erasedSkipped,
    );
  }

  const adf = input.adfRun;
  const failedStep = input.steps.some((s) => s.status === "failed");
  return {
    title: input.title ?? "c360 run report",
    generatedAt: input.generatedAt,
    status:
      failedStep || (adf && adf.status !== "Succeeded") || reconciliation.some((c) => !c.ok)
        ? "failed"
        : "succeeded",
    run: input.run,
    steps: input.steps,
    stages,
    quarantine,
    defects: m
      ? Object.entries(m.defects).map(([kind, injected]) => ({
          kind,
          injected,
          description: DEFECT_DESCRIPTIONS_SHORT[kind],
        }))
      : [],
    layers,
    quality: input.gold?.quality ?? [],
    dataQualityScores: input.layers.find((l) => l.layer === "gold")?.dataQuality ?? [],
    segments: { valueTiers: input.gold?.valueTiers ?? [], rfm: input.gold?.rfm ?? [] },
    clv: clvDistribution(input.gold?.clvValues ?? []),
    topCustomers: input.gold?.topCustomers ?? [],
    adf: adf
      ? {
          pipeline: adf.pipelineName,
          runId: adf.runId,
          status: adf.status,
          ...(adf.error ? { error: adf.error.message } : {}),
          activities: adfRows(adf),
        }
      : { pipeline: "P_C360_Master", runId: "-", status: "not run", activities: [] },
    reconciliation,
    ...(input.gold ? { identity: input.gold.identity } : {}),
    ...(ts ? { traitsSync: ts } : {}),
    notes,
  };
}

const DEFECT_DESCRIPTIONS_SHORT: Record<string, string> = {
  duplicate: "redelivered copy of an event (same eventId)",
  late: "delivered more than a day out of order",
  invalid_email: "email that is not deliverable",
  invalid_phone: "phone not normalizable to E.164",
  missing_required_field: "a required field removed",
  unknown_customer: "customer id that does not exist",
  unknown_schema_version: "schema version the contracts do not know",
  unparseable_line: "a line that is not JSON",
  unexpected_field: "extra field (warning only)",
};
