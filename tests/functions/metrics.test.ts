/**
 * The custom metrics behind the seed 000 §8.2 alerts: computed per Event Hub batch and POSTed to the Application
 * Insights ingestion API. The API is played by a local HTTP server that records what arrives (Application Insights
 * cannot run here); the batches run through the real handler against Azurite and the local Cosmos server.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { InvocationContext } from "@azure/functions";
import type { AccessToken, TokenCredential } from "@azure/identity";

import { CUSTOM_METRICS } from "../../contracts";
import { metricsFromSettings } from "../../functions/src/core/config";
import {
  AppInsightsMetrics,
  batchMetrics,
  ConnectionStringError,
  MONITOR_SCOPE,
  parseConnectionString,
} from "../../functions/src/core/metrics";
import { triggerMetadataFor } from "../../functions/src/core/positions";
import { emptyBatchSummary } from "../../functions/src/core/processor";
import { eventHubHandler } from "../../functions/src/functions/_eventHub";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture } from "./helpers";

const IKEY = "11111111-2222-3333-4444-555555555555";

interface Received {
  url: string;
  headers: IncomingMessage["headers"];
  envelopes: Array<{
    name: string;
    iKey: string;
    tags: Record<string, string>;
    data: {
      baseType: string;
      baseData: {
        metrics: Array<{ name: string; value: number; count: number }>;
        properties: Record<string, string>;
      };
    };
  }>;
}

/** A stand-in for the ingestion endpoint: records each POST and answers like the service (or with `status`). */
async function ingestionServer(): Promise<{
  url: string;
  received: Received[];
  status: { code: number };
  stop(): Promise<void>;
}> {
  const received: Received[] = [];
  const status = { code: 200 };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const envelopes = JSON.parse(body) as Received["envelopes"];
      received.push({ url: req.url ?? "", headers: req.headers, envelopes });
      res.writeHead(status.code, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          status.code === 200
            ? { itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }
            : { error: "rejected" },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    status,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fakeCredential = (scopes: string[]): TokenCredential => ({
  getToken: (scope: string | string[]): Promise<AccessToken> => {
    scopes.push(...(Array.isArray(scope) ? scope : [scope]));
    return Promise.resolve({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 });
  },
});

describe("connection string", () => {
  test("key and endpoint are read; the endpoint defaults to the global one; no key is an error", () => {
    expect(
      parseConnectionString(
        `InstrumentationKey=${IKEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://x/`,
      ),
    ).toEqual({
      instrumentationKey: IKEY,
      ingestionEndpoint: "https://westeurope-5.in.applicationinsights.azure.com",
    });
    expect(parseConnectionString(`instrumentationkey=${IKEY}`).ingestionEndpoint).toBe(
      "https://dc.services.visualstudio.com",
    );
    expect(() => parseConnectionString("IngestionEndpoint=https://x/")).toThrow(ConnectionStringError);
    expect(() => parseConnectionString(`InstrumentationKey=${IKEY};IngestionEndpoint=ftp://x`)).toThrow(
      /not an http/,
    );
  });

  test("app settings: no connection string, no sink; a connection string gives the Application Insights sink", () => {
    expect(metricsFromSettings({})).toBeUndefined();
    expect(
      metricsFromSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY}` }),
    ).toBeInstanceOf(AppInsightsMetrics);
  });
});

describe("batch metrics", () => {
  test("quality = accepted / received, latency from the oldest enqueue, age from the newest occurredAt", () => {
    const summary = {
      ...emptyBatchSummary("b", 8),
      accepted: 6,
      quarantined: 2,
      oldestEnqueuedAt: "2026-01-01T00:00:00.000Z",
      newestOccurredAt: "2025-12-31T23:00:00.000Z",
    };
    expect(batchMetrics(summary, new Date("2026-01-01T00:00:12.500Z"))).toEqual([
      { name: CUSTOM_METRICS.dataQualityScore, value: 0.75 },
      { name: CUSTOM_METRICS.processingLatencySeconds, value: 12.5 },
      { name: CUSTOM_METRICS.dataAgeSeconds, value: 3612.5 },
    ]);
  });

  test("nothing accepted: no data age; an empty batch: no metric; clock skew never gives a negative value", () => {
    const rejected = {
      ...emptyBatchSummary("b", 3),
      quarantined: 3,
      oldestEnqueuedAt: "2026-01-01T00:00:05Z",
    };
    expect(batchMetrics(rejected, new Date("2026-01-01T00:00:00Z"))).toEqual([
      { name: CUSTOM_METRICS.dataQualityScore, value: 0 },
      { name: CUSTOM_METRICS.processingLatencySeconds, value: 0 },
    ]);
    expect(batchMetrics(emptyBatchSummary("b", 0), new Date())).toEqual([]);
  });
});

describe("Application Insights sink", () => {
  let server: Awaited<ReturnType<typeof ingestionServer>>;
  beforeEach(async () => {
    server = await ingestionServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  test("one MetricData envelope per metric to /v2.1/track, with the bearer token for the Monitor scope", async () => {
    const scopes: string[] = [];
    const sink = new AppInsightsMetrics(`InstrumentationKey=${IKEY};IngestionEndpoint=${server.url}`, {
      credential: fakeCredential(scopes),
      roleName: "func-c360-dev",
    });
    await sink.track(
      [
        { name: CUSTOM_METRICS.dataQualityScore, value: 0.5 },
        { name: CUSTOM_METRICS.dataAgeSeconds, value: 30 },
      ],
      { stream: "order", batchId: "b1" },
    );
    expect(scopes).toEqual([MONITOR_SCOPE]);
    expect(server.received).toHaveLength(1);
    const [post] = server.received;
    expect(post!.url).toBe("/v2.1/track");
    expect(post!.headers.authorization).toBe("Bearer test-token");
    expect(post!.envelopes).toHaveLength(2);
    expect(post!.envelopes[0]).toMatchObject({
      name: `Microsoft.ApplicationInsights.${IKEY.replace(/-/g, "")}.Metric`,
      iKey: IKEY,
      tags: { "ai.cloud.role": "func-c360-dev" },
      data: {
        baseType: "MetricData",
        baseData: {
          metrics: [{ name: CUSTOM_METRICS.dataQualityScore, value: 0.5, count: 1 }],
          properties: { stream: "order", batchId: "b1" },
        },
      },
    });
  });

  test("a rejected POST is an error naming the status (the handler turns it into a warning)", async () => {
    server.status.code = 400;
    const sink = new AppInsightsMetrics(`InstrumentationKey=${IKEY};IngestionEndpoint=${server.url}`);
    await expect(sink.track([{ name: CUSTOM_METRICS.dataQualityScore, value: 1 }], {})).rejects.toThrow(
      /400/,
    );
    expect(server.received[0]!.headers.authorization).toBeUndefined();
  });
});

describe("Event Hub functions emit the metrics of every batch", () => {
  let f: Fixture;
  let server: Awaited<ReturnType<typeof ingestionServer>>;
  beforeAll(async () => {
    f = await fixture("metrics");
    server = await ingestionServer();
  });
  afterAll(async () => {
    await server.stop();
    await f.cleanup();
  });

  async function runBatches(
    sinkUrl: string,
    seed: number,
  ): Promise<{ warnings: string[]; received: number[] }> {
    const warnings: string[] = [];
    const received: number[] = [];
    f.deps.metrics = new AppInsightsMetrics(`InstrumentationKey=${IKEY};IngestionEndpoint=${sinkUrl}`, {
      timeoutMs: 2000,
    });
    const hub = new LocalEventHub(1);
    const events: unknown[] = syntheticEvents({ events: 40, customers: 5, seed });
    events.push("{ not json"); // lands on a hub with the rest and is quarantined: quality below 1 there
    hub.send(events);
    for (const { stream, partitionId, messages } of hub.partitionsWithMessages()) {
      const context = new InvocationContext({
        functionName: stream.functionName,
        triggerMetadata: triggerMetadataFor(stream.hubName, partitionId, messages),
        logHandler: (level, ...args) => {
          if (level === "warning") warnings.push(args.map(String).join(" "));
        },
      });
      const summary = await eventHubHandler(stream)(
        messages.map((m) => m.body),
        context,
      );
      received.push(summary.received);
    }
    return { warnings, received };
  }

  test("each batch posts its quality score, latency and data age; the values match the batch", async () => {
    const { warnings, received } = await runBatches(server.url, 7);
    expect(warnings).toEqual([]);
    expect(server.received).toHaveLength(received.length);
    const byName = (name: string) =>
      server.received.flatMap((p) =>
        p.envelopes.flatMap((e) =>
          e.data.baseData.metrics.filter((m) => m.name === name).map((m) => m.value),
        ),
      );
    const scores = byName(CUSTOM_METRICS.dataQualityScore);
    expect(scores).toHaveLength(received.length);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(scores.some((s) => s < 1)).toBe(true); // the unparseable line's batch
    expect(byName(CUSTOM_METRICS.processingLatencySeconds).every((s) => s >= 0 && s < 60)).toBe(true);
    // synthetic events occur from 2026-01-01 on: their age is the time since then
    const ages = byName(CUSTOM_METRICS.dataAgeSeconds);
    expect(ages.length).toBeGreaterThan(0);
    expect(Math.min(...ages)).toBeGreaterThan((Date.now() - Date.parse("2026-01-02T00:00:00Z")) / 1000);
    expect(server.received.every((p) => p.envelopes.every((e) => e.data.baseData.properties.batchId))).toBe(
      true,
    );
  });

  test("an unreachable ingestion endpoint is a warning: the batches still succeed", async () => {
    const down = await ingestionServer();
    await down.stop();
    const { warnings, received } = await runBatches(down.url, 8);
    expect(received.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(received.length);
    expect(warnings[0]).toMatch(/metrics for .* not sent/);
  });
});
