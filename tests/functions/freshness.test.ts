/**
 * Data freshness when ingestion stops: the Event Hub functions (as src/index.ts registers them) persist
 * each partition's newest event time; the timer function sends the age of the newest one, which keeps
 * rising when no batch arrives, so the data-freshness alert fires. Against Azurite and the local Cosmos
 * server; the metric sink records what would go to Application Insights.
 */
import { app, InvocationContext, type Timer } from "@azure/functions";

import { CUSTOM_METRICS } from "../../contracts";
import { FRESHNESS_PREFIX, readFreshness, recordNewestEvent } from "../../functions/src/core/freshness";
import type { Metric, MetricSink } from "../../functions/src/core/metrics";
import { triggerMetadataFor } from "../../functions/src/core/positions";
import type { BatchSummary } from "../../functions/src/core/processor";
import { STREAMS } from "../../functions/src/core/streams";
import {
  dataFreshnessHandler,
  FRESHNESS_SCHEDULE,
  reportDataFreshness,
} from "../../functions/src/functions/reportDataFreshness";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { THRESHOLDS } from "../../infra/components/observability";
import { type Fixture, fixture } from "./helpers";

type BatchHandler = (messages: unknown[], context: InvocationContext) => Promise<BatchSummary>;

function recordingSink(): MetricSink & { sent: { metrics: Metric[]; properties: Record<string, string> }[] } {
  const sent: { metrics: Metric[]; properties: Record<string, string> }[] = [];
  return {
    sent,
    track: async (metrics, properties) => void sent.push({ metrics: [...metrics], properties }),
  };
}

const TIMER: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};
const context = (warnings: string[] = []) =>
  new InvocationContext({
    functionName: "reportDataFreshness",
    logHandler: (level, ...args) => {
      if (level === "warning") warnings.push(args.map(String).join(" "));
    },
  });

describe("the data age keeps being reported when ingestion stops", () => {
  let f: Fixture;
  const registered = new Map<string, BatchHandler>();
  let timerOptions: { schedule: string; handler: unknown; runOnStartup?: boolean } | undefined;

  beforeAll(async () => {
    jest.spyOn(app, "http").mockImplementation(() => undefined);
    jest.spyOn(app, "setup").mockImplementation(() => undefined);
    jest.spyOn(app, "storageQueue").mockImplementation(() => undefined);
    jest.spyOn(app, "eventHub").mockImplementation((name, options) => {
      registered.set(name, options.handler as unknown as BatchHandler);
    });
    jest.spyOn(app, "timer").mockImplementation((name, options) => {
      if (name === "reportDataFreshness") timerOptions = options as typeof timerOptions;
    });
    await import("../../functions/src/index");
    f = await fixture("freshness");
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await f.cleanup();
  });

  it("registers a timer every five minutes, and Event Hub handlers that record each partition's newest event", async () => {
    expect(timerOptions).toEqual({
      schedule: FRESHNESS_SCHEDULE,
      runOnStartup: false,
      handler: reportDataFreshness,
    });
    expect(FRESHNESS_SCHEDULE).toBe("0 */5 * * * *");
    expect([...registered.keys()]).toEqual(STREAMS.map((s) => s.functionName));

    // Batches through the registered handlers, one per partition with messages.
    const hub = new LocalEventHub(2);
    hub.send(syntheticEvents({ events: 60, customers: 8, seed: 11 }));
    const expected = new Map<string, string>();
    for (const { stream, partitionId, messages } of hub.partitionsWithMessages()) {
      const summary = await registered.get(stream.functionName)!(
        messages.map((m) => m.body),
        new InvocationContext({
          functionName: stream.functionName,
          triggerMetadata: triggerMetadataFor(stream.hubName, partitionId, messages),
          logHandler: () => undefined,
        }),
      );
      if (summary.newestOccurredAt)
        expected.set(`${stream.hubName}/${partitionId}`, summary.newestOccurredAt);
    }
    expect(expected.size).toBeGreaterThan(1);
    const records = await readFreshness(f.deps.lake);
    expect(new Map(records.map((r) => [`${r.eventHubName}/${r.partitionId}`, r.newestOccurredAt]))).toEqual(
      expected,
    );
    expect(await f.deps.lake.list("control", FRESHNESS_PREFIX)).toHaveLength(expected.size);
  });

  it("the timer sends the newest event's age, which rises past the alert threshold while nothing arrives", async () => {
    const records = await readFreshness(f.deps.lake);
    const newest = Math.max(...records.map((r) => Date.parse(r.newestOccurredAt)));
    const sink = recordingSink();
    f.deps.metrics = sink;
    const at = (ms: number) => dataFreshnessHandler(() => new Date(newest + ms));
    await at(10 * 60_000)(TIMER, context());
    await at(2 * 3_600_000)(TIMER, context());
    expect(sink.sent.map((s) => s.metrics)).toEqual([
      [{ name: CUSTOM_METRICS.dataAgeSeconds, value: 600 }],
      [{ name: CUSTOM_METRICS.dataAgeSeconds, value: 7200 }],
    ]);
    expect(sink.sent[1].metrics[0].value).toBeGreaterThan(THRESHOLDS.dataAgeSecondsMax);
    expect(sink.sent[0].properties).toMatchObject({ source: "freshness-timer" });
    expect(Date.parse(sink.sent[0].properties.newestOccurredAt)).toBe(newest);

    // The registered handler itself, on the real clock: the synthetic events are from 2026, so it is old.
    await reportDataFreshness(TIMER, context());
    expect(sink.sent[2].metrics[0].value).toBeGreaterThanOrEqual(
      Math.floor((Date.now() - newest) / 1000) - 5,
    );
  });

  it("the record only moves forward, also with concurrent writers", async () => {
    const lake = f.deps.lake;
    const entry = { eventHubName: "evh-test", partitionId: "0", batchId: "b1" };
    await recordNewestEvent(lake, { ...entry, newestOccurredAt: "2026-05-01T10:00:00Z" });
    const kept = await recordNewestEvent(lake, { ...entry, newestOccurredAt: "2026-04-01T10:00:00Z" });
    expect(kept.newestOccurredAt).toBe("2026-05-01T10:00:00Z");
    const times = ["2026-05-02T00:00:00Z", "2026-05-04T00:00:00Z", "2026-05-03T00:00:00Z"];
    await Promise.all(times.map((t) => recordNewestEvent(lake, { ...entry, newestOccurredAt: t })));
    const stored = (await readFreshness(lake)).find((r) => r.eventHubName === "evh-test");
    expect(stored?.newestOccurredAt).toBe("2026-05-04T00:00:00Z");
  });

  it("nothing recorded yet: no age is sent, and a warning says why", async () => {
    const empty = await fixture("freshness-empty");
    try {
      const sink = recordingSink();
      empty.deps.metrics = sink;
      const warnings: string[] = [];
      await dataFreshnessHandler()(TIMER, context(warnings));
      expect(sink.sent).toEqual([]);
      expect(warnings).toEqual([
        "no processed event recorded under control/freshness/ yet: no data age sent",
      ]);
    } finally {
      await empty.cleanup();
    }
  });
});
