/** Inline SVG charts, rendered as strings (no script, no external resource). */

export const esc = (s: string | number): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");

export const fmtMs = (ms: number): string =>
  ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${Math.round(ms)} ms`;

export const PALETTE = [
  "#2563eb",
  "#0d9488",
  "#d97706",
  "#7c3aed",
  "#db2777",
  "#65a30d",
  "#0891b2",
  "#4b5563",
  "#ca8a04",
  "#9333ea",
];

export interface Bar {
  label: string;
  value: number;
  color?: string;
  /** Text shown after the bar; default the formatted value. */
  text?: string;
}

/** Horizontal bars, one per row, labels on the left and values on the right. */
export function barChart(
  bars: Bar[],
  opts: { title: string; width?: number; labelWidth?: number } = { title: "" },
): string {
  const width = opts.width ?? 560;
  const labelWidth = opts.labelWidth ?? 180;
  const rowH = 24;
  const valueWidth = 90;
  const plot = width - labelWidth - valueWidth;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowH + 8;
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * rowH;
      const w = b.value > 0 ? Math.max(2, (b.value / max) * plot) : 0;
      const color = b.color ?? PALETTE[i % PALETTE.length];
      return (
        `<g class="bar"><text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="3" fill="${color}"><title>${esc(b.label)}: ${esc(b.text ?? fmtInt(b.value))}</title></rect>` +
        `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 16}" class="v">${esc(b.text ?? fmtInt(b.value))}</text></g>`
      );
    })
    .join("");
  const empty = bars.length === 0 ? `<text x="8" y="18" class="muted">no data</text>` : "";
  return `<svg class="chart" role="img" aria-label="${esc(opts.title)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">${rows}${empty}</svg>`;
}

/** Vertical columns (a histogram), labels under each column. */
export function columnChart(
  buckets: Bar[],
  opts: { title: string; width?: number; height?: number },
): string {
  const width = opts.width ?? 560;
  const height = opts.height ?? 220;
  const bottom = 40;
  const top = 18;
  const n = Math.max(1, buckets.length);
  const slot = (width - 20) / n;
  const max = Math.max(1, ...buckets.map((b) => b.value));
  const cols = buckets
    .map((b, i) => {
      const h = b.value > 0 ? Math.max(2, (b.value / max) * (height - bottom - top)) : 0;
      const x = 10 + i * slot + slot * 0.12;
      const y = height - bottom - h;
      return (
        `<g class="col"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.76).toFixed(1)}" height="${h.toFixed(1)}" rx="2" fill="${b.color ?? PALETTE[0]}"><title>${esc(b.label)}: ${fmtInt(b.value)}</title></rect>` +
        `<text x="${(x + slot * 0.38).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" class="v">${fmtInt(b.value)}</text>` +
        `<text x="${(x + slot * 0.38).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" class="tick">${esc(b.label)}</text></g>`
      );
    })
    .join("");
  const axis = `<line x1="10" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" class="axis"/>`;
  return `<svg class="chart" role="img" aria-label="${esc(opts.title)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">${axis}${cols}</svg>`;
}

export interface Span {
  label: string;
  start: number;
  duration: number;
  status: string;
}

/** A timeline (Gantt) of steps: one row per step, bar from start to end, on a shared time axis. */
export function timeline(spans: Span[], opts: { title: string; width?: number }): string {
  const width = opts.width ?? 760;
  const labelWidth = 170;
  const rowH = 24;
  const plot = width - labelWidth - 80;
  const end = Math.max(1, ...spans.map((s) => s.start + s.duration));
  const height = spans.length * rowH + 30;
  const color = (s: string) =>
    s === "failed" || s === "Failed" ? "#dc2626" : s === "skipped" || s === "Skipped" ? "#9ca3af" : "#2563eb";
  const rows = spans
    .map((s, i) => {
      const y = 4 + i * rowH;
      const x = labelWidth + (s.start / end) * plot;
      const w = Math.max(2, (s.duration / end) * plot);
      return (
        `<g class="span"><text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${esc(s.label)}</text>` +
        `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="3" fill="${color(s.status)}"><title>${esc(s.label)}: ${fmtMs(s.duration)} (${esc(s.status)})</title></rect>` +
        `<text x="${(x + w + 6).toFixed(1)}" y="${y + 16}" class="v">${fmtMs(s.duration)}</text></g>`
      );
    })
    .join("");
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const x = labelWidth + f * plot;
      return `<line x1="${x.toFixed(1)}" y1="2" x2="${x.toFixed(1)}" y2="${height - 24}" class="grid"/><text x="${x.toFixed(1)}" y="${height - 8}" text-anchor="middle" class="tick">${fmtMs(f * end)}</text>`;
    })
    .join("");
  return `<svg class="chart" role="img" aria-label="${esc(opts.title)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">${ticks}${rows}</svg>`;
}
