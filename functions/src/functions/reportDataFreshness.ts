/**
 * Timer-triggered (every five minutes): sends the age of the newest processed event, read from what
 * the Event Hub functions persist after each batch (core/freshness.ts). When ingestion stops entirely,
 * no batch sends a data age any more, but this one keeps sending a rising one, so the data-freshness
 * alert (older than one hour) fires.
 */
import type { InvocationContext, Timer } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { reportFreshness } from "../core/freshness";

/** NCRONTAB (seconds first): every five minutes, the alert query's bin size. */
export const FRESHNESS_SCHEDULE = "0 */5 * * * *";

export function dataFreshnessHandler(
  clock: () => Date = () => new Date(),
): (timer: Timer, context: InvocationContext) => Promise<void> {
  return async (_timer, context) => {
    const deps = await getDependencies();
    const { metrics, records } = await reportFreshness(deps.lake, deps.metrics, clock(), (m) =>
      context.warn(m),
    );
    if (metrics.length > 0)
      context.log(`data age ${Math.round(metrics[0].value)} s over ${records.length} partition(s)`);
  };
}

export const reportDataFreshness = dataFreshnessHandler();
