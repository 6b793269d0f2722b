/**
 * Generator benchmark: `generate()` writing N events (default mix, default defect rates) to the
 * stream, with events/s and peak RSS; a second point at a quarter of the size shows memory stays
 * flat as the output grows. Baseline, same process and size: the floor of the job, JSON.stringify of
 * one representative event per line written to a file stream with backpressure, no generation at
 * all. The ratio is the cost of producing realistic, seeded data on top of serializing and writing it.
 * Run alone: `npx tsx bench/generator.ts [--scale s]`.
 */
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { generate } from "../generator";
import type { BenchOptions, BenchResult } from "./types";
import { measure, runStandalone } from "./types";

const TEMPLATE = {
  eventId: "00000000-0000-4000-8000-000000000000",
  eventType: "order",
  schemaVersion: "1.1",
  source: "pos",
  occurredAt: "2025-01-15T09:15:00.000Z",
  customerId: "CUST-0000001",
  payload: {
    orderId: "ORD-000000001",
    channel: "POS",
    orderedAt: "2025-01-15T09:15:00.000Z",
    transactionType: "PURCHASE",
    status: "COMPLETED",
    currency: "USD",
    totalAmount: 163.3,
    taxAmount: 13.31,
    shippingAmount: 0,
    discountAmount: 0,
    paymentMethod: "CARD",
    items: [
      {
        itemId: "ORD-000000001-1",
        productId: "PROD-000123",
        category: "Electronics",
        quantity: 1,
        unitPrice: 149.99,
        totalPrice: 149.99,
      },
    ],
  },
};

/** Serialize-and-write floor: one line per event, chunked writes with backpressure. */
async function floor(file: string, lines: number): Promise<number> {
  const stream = createWriteStream(file);
  let chunk: string[] = [];
  let bytes = 0;
  for (let i = 0; i < lines; i++) {
    TEMPLATE.eventId = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    chunk.push(JSON.stringify(TEMPLATE));
    if (chunk.length === 2000) {
      const data = chunk.join("\n") + "\n";
      bytes += data.length;
      chunk = [];
      if (!stream.write(data)) await once(stream, "drain");
    }
  }
  stream.end(chunk.length ? chunk.join("\n") + "\n" : "");
  await once(stream, "close");
  return bytes;
}

export async function bench(options: BenchOptions): Promise<BenchResult[]> {
  const events = Math.max(10_000, Math.round(1_000_000 * options.scale));
  const dir = mkdtempSync(join(tmpdir(), "c360-bench-generator-"));
  try {
    const small = Math.round(events / 4);
    options.log(`generator: ${small.toLocaleString("en-US")} events (memory reference point)`);
    const quarter = await measure(() =>
      generate({ out: join(dir, "q"), lakeDir: join(dir, "q-lake"), seed: 1, events: small }),
    );
    rmSync(join(dir, "q"), { recursive: true, force: true });
    options.log(`generator: ${events.toLocaleString("en-US")} events`);
    const full = await measure(() =>
      generate({ out: join(dir, "full"), lakeDir: join(dir, "full-lake"), seed: 1, events }),
    );
    const m = full.value;
    const perSec = Math.round((m.counts.lines / full.ms) * 1000);
    options.log(
      `generator: ${(full.ms / 1000).toFixed(1)} s, ${perSec.toLocaleString("en-US")} lines/s, peak RSS ${full.peakRssMb} MiB (at 1/4 size: ${quarter.peakRssMb} MiB)`,
    );
    rmSync(join(dir, "full"), { recursive: true, force: true });
    const base = await measure(() => floor(join(dir, "floor.jsonl"), m.counts.lines));
    options.log(`generator: baseline ${(base.ms / 1000).toFixed(1)} s`);
    return [
      {
        area: "generator",
        name: `generate ${events.toLocaleString("en-US")} events`,
        input: `${events.toLocaleString("en-US")} events (${m.customers.toLocaleString("en-US")} customers, ${m.products} products, 365 days, default defect rates → ${m.counts.lines.toLocaleString("en-US")} lines), stream output`,
        candidate: {
          label: "generate(): seeded sessions/orders/profiles/support, defects, delivery queue, stream parts",
          medianMs: Math.round(full.ms),
          runs: 1,
          units: m.counts.lines,
          unitName: "lines",
          extra: {
            cpu_s: full.cpuS,
            peak_rss_mib: full.peakRssMb,
            peak_rss_mib_at_quarter_size: quarter.peakRssMb,
            peak_queued_events: m.memory.peakBufferedEvents,
            goal: "1M events < 60 s, flat memory",
          },
        },
        baseline: {
          label: "JSON.stringify of one fixed order per line + chunked stream write (no generation)",
          medianMs: Math.round(base.ms),
          runs: 1,
          units: m.counts.lines,
          unitName: "lines",
          extra: {
            cpu_s: base.cpuS,
            peak_rss_mib: base.peakRssMb,
            mib_written: Math.round(base.value / 2 ** 20),
          },
        },
        note: "Single runs; the baseline is the serialize-and-write floor, so the ratio is the price of generating realistic data. cpu_s (user + system) is the figure to compare on a shared machine.",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runStandalone(bench);
