/**
 * The run report as one self-contained HTML page: inline CSS, inline SVG charts, no script and no
 * network. A pure function of the RunReport.
 */
import type { Bar } from "./charts";
import { barChart, columnChart, esc, fmtInt, fmtMs, PALETTE, timeline } from "./charts";
import type { RunReport } from "./types";

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--ok:#15803d;--ko:#b91c1c}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#0f172a;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#cbd5e1}
main{max-width:1180px;margin:0 auto;padding:20px 32px 48px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:16px 0}
section h2{margin:0 0 12px;font-size:17px}h3{font-size:14px;margin:14px 0 6px;color:#374151}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.kpi{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px}.kpi b{display:block;font-size:22px}.kpi span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:20px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
.ok{background:#dcfce7;color:var(--ok)}.ko{background:#fee2e2;color:var(--ko)}.skip{background:#f3f4f6;color:var(--muted)}
.muted{color:var(--muted);fill:#6b7280}.chart text{font-size:12px;fill:#374151}.chart text.v{fill:#111827;font-weight:600}.chart text.tick{fill:#6b7280;font-size:11px}
.chart .axis,.chart .grid{stroke:#e5e7eb}ul.notes{margin:0;padding-left:18px}p.error{background:#fef2f2;border:1px solid #fecaca;border-radius:8px;padding:8px 12px;white-space:pre-wrap}code{font-size:12px;background:#f3f4f6;padding:1px 4px;border-radius:4px}
`;

const badge = (status: string) => {
  const s = status.toLowerCase();
  const cls = s === "succeeded" || s === "ok" ? "ok" : s === "failed" ? "ko" : "skip";
  return `<span class="badge ${cls}">${esc(status)}</span>`;
};

function table(headers: string[], rows: (string | number)[][], numeric: number[] = []): string {
  if (rows.length === 0) return `<p class="muted">none</p>`;
  const th = headers.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ""}>${esc(h)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ""}>${typeof c === "number" ? fmtInt(c) : c}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const pct = (v: number) => `${(v * 100).toFixed(v === 1 ? 0 : 1)}%`;

/** Data quality, one row per table (validity, quarantined, completeness, uniqueness, rules with failures), plus a completeness chart. */
function qualitySection(r: RunReport): string {
  const byTable = new Map<string, { layer: string; metrics: Map<string, number> }>();
  for (const q of r.quality) {
    const t = byTable.get(q.table) ?? { layer: q.layer, metrics: new Map<string, number>() };
    t.metrics.set(q.metric, q.value);
    byTable.set(q.table, t);
  }
  const list = (m: Map<string, number>, prefix: string, fmt: (v: number) => string) =>
    [...m]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => `${k.slice(prefix.length)} ${fmt(v)}`)
      .join(", ");
  const rows = [...byTable].map(([table, t]) => [
    esc(t.layer),
    `<code>${esc(table)}</code>`,
    t.metrics.has("validity") ? pct(t.metrics.get("validity")!) : "–",
    t.metrics.get("quarantined") ?? 0,
    esc(list(t.metrics, "completeness:", pct)),
    esc(list(t.metrics, "uniqueness:", pct)),
    esc(list(t.metrics, "failed:", fmtInt)),
  ]);
  const completeness: Bar[] = r.quality
    .filter((q) => q.metric.startsWith("completeness:"))
    .map((q) => ({
      label: `${q.table.replace(/^\w+\./, "")}.${q.metric.slice("completeness:".length)}`,
      value: q.value * 100,
      text: pct(q.value),
      color: q.value >= 0.95 ? "#0d9488" : q.value >= 0.7 ? "#d97706" : "#b91c1c",
    }));
  return (
    table(
      ["layer", "table", "validity", "quarantined", "completeness", "uniqueness", "rule failures (rows)"],
      rows,
      [2, 3],
    ) +
    `<h3>Completeness by column</h3>${barChart(completeness, { title: "completeness by column", labelWidth: 260, width: 640 })}`
  );
}

/** Seed 000 §6.2 composite score per silver table of the load, its dimensions, and those under their §17.1 level. */
function dataQualityScoreSection(r: RunReport): string {
  if (r.dataQualityScores.length === 0)
    return "<p>No data-quality score for this load (the gold run did not finish).</p>";
  const dim = (v: number | null) => (v === null ? "–" : pct(v));
  return table(
    [
      "table",
      "DQ score",
      "status",
      "below level",
      "completeness",
      "accuracy",
      "consistency",
      "timeliness",
      "validity",
      "uniqueness",
    ],
    r.dataQualityScores.map((d) => [
      `<code>${esc(d.table)}</code>`,
      pct(d.score),
      esc(d.status),
      esc(d.belowLevel.join(", ")),
      dim(d.completeness),
      dim(d.accuracy),
      dim(d.consistency),
      dim(d.timeliness),
      dim(d.validity),
      dim(d.uniqueness),
    ]),
    [1, 4, 5, 6, 7, 8, 9],
  );
}

const money = (n: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function renderReportHtml(r: RunReport): string {
  const total = r.steps.reduce((m, s) => Math.max(m, s.startMs + s.durationMs), 0);
  const stage = (name: string) => r.stages.find((s) => s.stage === name)?.count;
  const goldCustomers = stage("gold customers");
  const kpis: [string, string][] = [
    ["status", r.status],
    ["generated (stream lines)", fmtInt(stage("generated") ?? 0)],
    ["accepted (real-time)", fmtInt(stage("accepted") ?? 0)],
    ["quarantined", fmtInt(r.quarantine.reduce((n, q) => n + q.count, 0))],
    ["gold customers", goldCustomers === undefined ? "–" : fmtInt(goldCustomers)],
    ["total time", fmtMs(total)],
  ];
  const quarantineBars: Bar[] = r.quarantine
    .slice()
    .sort((a, b) => b.count - a.count)
    .map((q) => ({
      label: `${q.code} · ${q.stage}`,
      value: q.count,
      color: q.stage === "real-time" ? "#d97706" : "#7c3aed",
    }));
  const stageBars: Bar[] = r.stages.map((s, i) => ({
    label: s.stage,
    value: s.count,
    color: PALETTE[i % PALETTE.length],
  }));
  const tierColors: Record<string, string> = {
    VIP: "#7c3aed",
    Premium: "#2563eb",
    Regular: "#0d9488",
    New: "#9ca3af",
  };
  const reconciliationOk = r.reconciliation.every((c) => c.ok);

  const sections = [
    `<section id="summary"><div class="kpis">${kpis.map(([k, v]) => `<div class="kpi"><span>${esc(k)}</span><b>${k === "status" ? badge(v) : esc(v)}</b></div>`).join("")}</div></section>`,

    `<section id="reconciliation"><h2>Reconciliation ${badge(reconciliationOk ? "ok" : "failed")}</h2>${table(
      ["check", "expected", "actual", ""],
      r.reconciliation.map((c) => [esc(c.check), c.expected, c.actual, badge(c.ok ? "ok" : "failed")]),
      [1, 2],
    )}</section>`,

    r.identity
      ? `<section id="identity"><h2>Identity resolution</h2>${table(
          ["", "count"],
          [
            ["links made (profiles joined by a shared email or phone)", r.identity.linksMade],
            ...r.identity.refused.map((x): [string, number] => [`links refused: ${esc(x.reason)}`, x.count]),
            ["largest cluster (source ids of one customer)", r.identity.largestCluster],
          ],
          [1],
        )}</section>`
      : "",

    `<section id="timing"><h2>Timing of each step</h2>${timeline(
      r.steps.map((s) => ({ label: s.name, start: s.startMs, duration: s.durationMs, status: s.status })),
      { title: "step timeline" },
    )}${table(
      ["step", "status", "duration", "detail"],
      r.steps.map((s) => [esc(s.name), badge(s.status), fmtMs(s.durationMs), esc(s.detail ?? "")]),
      [2],
    )}</section>`,

    `<section id="stages"><h2>Counts at each stage</h2><div class="grid2"><div>${barChart(stageBars, { title: "records per stage", labelWidth: 200 })}</div><div>${table(
      ["stage", "records", "what it is"],
      r.stages.map((s) => [esc(s.stage), s.count, esc(s.note ?? "")]),
      [1],
    )}</div></div></section>`,

    `<section id="quarantine"><h2>Quarantine reasons</h2><div class="grid2"><div>${barChart(quarantineBars, { title: "quarantined records by reason", labelWidth: 260 })}</div><div><h3>Defects injected by the generator</h3>${table(
      ["defect", "injected", "description"],
      r.defects.map((d) => [esc(d.kind), d.injected, esc(d.description ?? "")]),
      [1],
    )}</div></div></section>`,

    `<section id="layers"><h2>Medallion layers and data quality</h2>${table(
      ["layer", "status", "rows", "quarantined", "models", "duration"],
      r.layers.map((l) => [
        l.layer,
        badge(l.status),
        l.rows,
        l.quarantined,
        l.models.length,
        fmtMs(l.durationMs),
      ]),
      [2, 3, 4, 5],
    )}${r.layers
      .filter((l) => l.error)
      .map((l) => `<p class="error"><b>${esc(l.layer)} failed:</b> <code>${esc(l.error!)}</code></p>`)
      .join("")}<h3>Models</h3>${table(
      ["model", "rows in", "rows out", "written", "quarantined", "expectations not met", "time"],
      r.layers.flatMap((l) =>
        l.models.map((m) => [
          `<code>${esc(m.model)}</code>`,
          m.rowsIn,
          m.rowsOut,
          m.rowsWritten,
          m.quarantined,
          esc(m.failedExpectations.map((e) => `${e.name} (${e.action}): ${fmtInt(e.failed)}`).join("; ")),
          fmtMs(m.durationMs),
        ]),
      ),
      [1, 2, 3, 4, 6],
    )}<h3>Data-quality score (seed 000 §6.2; levels §17.1: completeness 95%, accuracy 90%, consistency 85%, timeliness 80%; alert below 95%)</h3>${dataQualityScoreSection(r)}<h3>Data-quality metrics (this load)</h3>${qualitySection(r)}</section>`,

    `<section id="segments"><h2>Segments</h2><div class="grid2"><div><h3>Value tiers (seed 000)</h3>${barChart(
      r.segments.valueTiers.map((b) => ({ label: b.label, value: b.count, color: tierColors[b.label] })),
      { title: "customers per value tier", labelWidth: 120 },
    )}</div><div><h3>RFM segments</h3>${barChart(
      r.segments.rfm.map((b) => ({ label: b.label, value: b.count })),
      { title: "customers per RFM segment", labelWidth: 160 },
    )}</div></div></section>`,

    `<section id="clv"><h2>Customer lifetime value</h2><div class="grid2"><div>${columnChart(
      r.clv.buckets.map((b) => ({ label: b.label, value: b.count })),
      { title: "CLV distribution" },
    )}</div><div>${table(
      ["statistic", "value"],
      [
        ["customers with a CLV", fmtInt(r.clv.customers)],
        ["mean", money(r.clv.mean)],
        ["median", money(r.clv.median)],
        ["90th percentile", money(r.clv.p90)],
        ["max", money(r.clv.max)],
      ],
      [1],
    )}<p class="muted">CLV with seed 001's factors: total spent × recency factor × frequency factor (gold.customer_lifetime_value.factor_clv).</p></div></div></section>`,

    `<section id="top-customers"><h2>Top customers</h2>${table(
      ["#", "customer", "name", "value tier", "RFM segment", "orders", "total spent", "CLV"],
      r.topCustomers.map((c) => [
        c.rank,
        `<code>${esc(c.customerKey)}</code>`,
        c.name ? esc(c.name) : `<span class="muted">no profile</span>`,
        esc(c.valueSegment),
        esc(c.rfmSegment),
        c.orders,
        money(c.totalSpent),
        money(c.clv),
      ]),
      [0, 5, 6, 7],
    )}</section>`,

    `<section id="adf"><h2>Data Factory run (local) ${badge(r.adf.status)}</h2><p class="muted">${esc(r.adf.pipeline)} · run <code>${esc(r.adf.runId)}</code>${r.adf.error ? ` · ${esc(r.adf.error)}` : ""}</p>${table(
      ["pipeline", "activity", "type", "status", "attempts", "duration"],
      r.adf.activities.map((a) => [
        esc(a.pipeline),
        `${"&nbsp;".repeat(a.depth * 4)}${esc(a.activity)}`,
        esc(a.type),
        badge(a.status),
        a.attempts,
        fmtMs(a.durationMs),
      ]),
      [4, 5],
    )}</section>`,

    r.traitsSync ? traitsSyncSection(r.traitsSync) : "",

    r.notes.length
      ? `<section id="notes"><h2>Notes</h2><ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>`
      : "",
  ];

  const sub = `${r.run.size} · seed ${r.run.seed} · ${fmtInt(r.run.customers)} customers · ${fmtInt(r.run.events)} events · ${r.generatedAt}${r.run.loadId ? ` · load ${r.run.loadId}` : ""}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(r.title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(r.title)} ${badge(r.status)}</h1><p>${esc(sub)}</p></header>
<main>${sections.join("\n")}</main></body></html>
`;
}

/** Traits synced to the Cosmos profiles, customers skipped as unchanged, and change events by kind. */
function traitsSyncSection(t: NonNullable<RunReport["traitsSync"]>): string {
  const kinds = Object.entries(t.changesByKind).sort(([a], [b]) => (a < b ? -1 : 1));
  return `<section id="traits-sync"><h2>Profile traits sync</h2><div class="grid2"><div>${table(
    ["", "customers"],
    [
      ["in the gold traits export", fmtInt(t.customers)],
      ["traits synced (written)", fmtInt(t.synced)],
      ["skipped as unchanged", fmtInt(t.skippedUnchanged)],
      ["erased (not recreated)", fmtInt(t.erasedSkipped)],
      ["Cosmos requests (profiles)", fmtInt(t.cosmosRequests)],
      ["identifier index requests", fmtInt(t.indexRequests)],
    ],
    [1],
  )}<p class="muted">load <code>${esc(t.loadId)}</code></p></div><div><h3>Change events by kind (${fmtInt(t.changeEvents)})</h3>${
    kinds.length
      ? barChart(
          kinds.map(([label, value]) => ({ label, value })),
          { title: "profile change events by kind", labelWidth: 120 },
        )
      : `<p class="muted">none</p>`
  }</div></div></section>`;
}
