/**
 * The custom metrics behind the seed 000 §8.2 alerts (data quality score, processing latency, data freshness),
 * computed per Event Hub batch and sent to Application Insights' ingestion API as MetricData telemetry, which
 * lands in the `customMetrics` table the alert queries read (infra/components/observability.ts).
 *
 * Why the ingestion API and not the applicationinsights SDK: three numbers per batch need one HTTPS POST; the
 * SDK (OpenTelemetry distro) brings dozens of packages and auto-instrumentation the Functions host already does.
 * Sending is best effort: a failure is logged and never fails or retries the batch (the events are safe either way).
 */
import type { TokenCredential } from "@azure/identity";

import { CUSTOM_METRICS, type CustomMetricName } from "../../../contracts/metrics";
import type { BatchSummary } from "./processor";

export interface Metric {
  name: CustomMetricName;
  value: number;
}

export interface MetricSink {
  track(metrics: readonly Metric[], properties: Record<string, string>): Promise<void>;
}

/** The metrics of one processed batch, at `now`. A metric without a basis (no event accepted) is left out. */
export function batchMetrics(summary: BatchSummary, now: Date): Metric[] {
  const metrics: Metric[] = [];
  if (summary.received > 0)
    metrics.push({ name: CUSTOM_METRICS.dataQualityScore, value: summary.accepted / summary.received });
  const seconds = (iso: string | null) =>
    iso === null ? undefined : (now.getTime() - Date.parse(iso)) / 1000;
  const latency = seconds(summary.oldestEnqueuedAt);
  if (latency !== undefined)
    metrics.push({ name: CUSTOM_METRICS.processingLatencySeconds, value: Math.max(0, latency) });
  const age = seconds(summary.newestOccurredAt);
  if (age !== undefined) metrics.push({ name: CUSTOM_METRICS.dataAgeSeconds, value: Math.max(0, age) });
  return metrics;
}

export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionStringError";
  }
}

export interface AppInsightsTarget {
  instrumentationKey: string;
  /** Base URL of the ingestion endpoint, without a trailing slash. */
  ingestionEndpoint: string;
}

/** `InstrumentationKey=…;IngestionEndpoint=https://…/;…` (the APPLICATIONINSIGHTS_CONNECTION_STRING format). */
export function parseConnectionString(connectionString: string): AppInsightsTarget {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) fields.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  const instrumentationKey = fields.get("instrumentationkey");
  if (!instrumentationKey) throw new ConnectionStringError("the connection string has no InstrumentationKey");
  const endpoint = fields.get("ingestionendpoint") ?? "https://dc.services.visualstudio.com";
  if (!/^https?:\/\//.test(endpoint))
    throw new ConnectionStringError(`IngestionEndpoint is not an http(s) URL: ${endpoint}`);
  return { instrumentationKey, ingestionEndpoint: endpoint.replace(/\/+$/, "") };
}

/** Entra ID scope of the ingestion API (local authentication is disabled on the component, see infra). */
export const MONITOR_SCOPE = "https://monitor.azure.com//.default";

export class AppInsightsMetrics implements MetricSink {
  private readonly target: AppInsightsTarget;

  constructor(
    connectionString: string,
    private readonly options: { credential?: TokenCredential; roleName?: string; timeoutMs?: number } = {},
  ) {
    this.target = parseConnectionString(connectionString);
  }

  async track(metrics: readonly Metric[], properties: Record<string, string>): Promise<void> {
    if (metrics.length === 0) return;
    const time = new Date().toISOString();
    const iKey = this.target.instrumentationKey;
    const envelopes = metrics.map((m) => ({
      name: `Microsoft.ApplicationInsights.${iKey.replace(/-/g, "")}.Metric`,
      time,
      iKey,
      tags: this.options.roleName ? { "ai.cloud.role": this.options.roleName } : {},
      data: {
        baseType: "MetricData",
        baseData: { ver: 2, metrics: [{ name: m.name, value: m.value, count: 1 }], properties },
      },
    }));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.credential) {
      const token = await this.options.credential.getToken(MONITOR_SCOPE);
      if (!token) throw new Error(`no token for ${MONITOR_SCOPE}`);
      headers.authorization = `Bearer ${token.token}`;
    }
    const res = await fetch(`${this.target.ingestionEndpoint}/v2.1/track`, {
      method: "POST",
      headers,
      body: JSON.stringify(envelopes),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!res.ok)
      throw new Error(`Application Insights ingestion answered ${res.status}: ${await res.text()}`);
    // 200 can still reject items (e.g. a malformed envelope): the body counts what was accepted.
    const body = (await res.json().catch(() => ({}))) as { itemsAccepted?: number; errors?: unknown[] };
    if (body.itemsAccepted !== undefined && body.itemsAccepted < envelopes.length)
      throw new Error(
        `Application Insights accepted ${body.itemsAccepted} of ${envelopes.length} metrics: ${JSON.stringify(body.errors)}`,
      );
  }
}

/** Sends a batch's metrics; failures are reported through `warn` and swallowed (best effort, see above). */
export async function emitBatchMetrics(
  sink: MetricSink | undefined,
  summary: BatchSummary,
  stream: string,
  warn: (message: string) => void,
  now = new Date(),
): Promise<Metric[]> {
  if (!sink) return [];
  const metrics = batchMetrics(summary, now);
  try {
    await sink.track(metrics, { stream, batchId: summary.batchId });
  } catch (error) {
    warn(`metrics for ${summary.batchId} not sent: ${String(error)}`);
  }
  return metrics;
}
