/**
 * A deployment with Data Factory's documented pre- and post-deployment step: ARM cannot update a
 * started trigger (TriggerEnabledCannotUpdate), so the factory's started triggers are stopped before
 * `pulumi up`, and afterwards the triggers the stack config names (`c360:dataFactoryStartedTriggers`)
 * are started — and only those.
 *
 * Before anything changes, a tumbling-window trigger that is to be started for the first time is
 * checked against its backfill allowance: its windows between the configured start time and now all
 * run once it starts (one job cluster each), so more than `c360:dataFactoryMaxBackfillWindows` of them
 * stops the deployment with an error naming the keys. A trigger that was running before the
 * deployment resumes where it stopped and is not checked.
 *
 * The `pulumi up` step and the trigger API are injected: deploy/main.ts gives the Automation API's
 * LocalWorkspace stack and ARM; the tests give a recorded step and a local stand-in of ARM.
 */
import { checkStartedTriggers } from "../infra/adf";
import type { C360Config } from "../infra/config";
import type { FactoryTrigger, TriggerApi } from "./factory-triggers";

/** A trigger as committed in adf/trigger (what the backfill check needs). */
export interface TriggerDefinition {
  name: string;
  type: string;
  /** TumblingWindowTrigger: Minute, Hour or Month. */
  frequency?: string;
  interval?: number;
}

export interface DeployStep {
  /** The factory's ARM id before the update; undefined on a first deployment (no stack output yet). */
  factoryIdBefore?: string;
  /** Runs `pulumi up`; resolves with the factory's ARM id from the stack outputs. */
  up: () => Promise<{ dataFactoryId: string }>;
}

export interface DeployOptions extends DeployStep {
  stack: string;
  config: Pick<C360Config, "dataFactory">;
  triggers: TriggerDefinition[];
  /** The trigger API for a factory id. */
  triggerApi: (factoryId: string) => TriggerApi;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface DeployResult {
  stopped: string[];
  started: string[];
  /** Triggers the config leaves stopped (including ones that were running before). */
  leftStopped: string[];
}

export class DeployError extends Error {
  constructor(
    message: string,
    /** Triggers stopped by this deployment and not started again. */
    readonly stoppedTriggers: string[] = [],
  ) {
    super(message);
    this.name = "DeployError";
  }
}

/** Complete windows in [start, now) of a tumbling window (what starting the trigger runs at once). */
export function windowsSince(start: Date, now: Date, frequency: string, interval: number): number {
  if (now <= start) return 0;
  if (!(interval > 0)) throw new Error(`tumbling window interval ${interval} is not positive`);
  if (frequency === "Minute" || frequency === "Hour") {
    const ms = interval * (frequency === "Minute" ? 60_000 : 3_600_000);
    return Math.floor((now.getTime() - start.getTime()) / ms);
  }
  if (frequency === "Month") {
    let months =
      (now.getUTCFullYear() - start.getUTCFullYear()) * 12 + (now.getUTCMonth() - start.getUTCMonth());
    const anchor = new Date(start);
    anchor.setUTCMonth(start.getUTCMonth() + months);
    if (anchor > now) months--;
    return Math.floor(months / interval);
  }
  throw new Error(`tumbling window frequency ${frequency} is not Minute, Hour or Month`);
}

function checkStartable(options: DeployOptions, runningBefore: ReadonlySet<string>, now: Date): void {
  const { startedTriggers, windowStartTime, maxBackfillWindows } = options.config.dataFactory;
  const known = new Map(options.triggers.map((t) => [t.name, t]));
  try {
    checkStartedTriggers(startedTriggers, [...known.keys()]);
  } catch (error) {
    throw new DeployError((error as Error).message);
  }
  for (const name of startedTriggers) {
    const trigger = known.get(name)!;
    if (trigger.type !== "TumblingWindowTrigger" || runningBefore.has(name)) continue;
    const windows = windowsSince(
      new Date(windowStartTime),
      now,
      trigger.frequency ?? "",
      trigger.interval ?? 0,
    );
    if (windows > maxBackfillWindows)
      throw new DeployError(
        `${name} would backfill ${windows} windows from c360:dataFactoryWindowStartTime ${windowStartTime} ` +
          `to ${now.toISOString()} (c360:dataFactoryMaxBackfillWindows is ${maxBackfillWindows}); ` +
          `set a start time that is not in the past, or allow the backfill explicitly. Nothing was changed.`,
      );
  }
}

export async function deployWithTriggers(options: DeployOptions): Promise<DeployResult> {
  const log = options.log ?? (() => undefined);
  const now = (options.now ?? (() => new Date()))();
  const enabled = options.config.dataFactory.startedTriggers;

  // 1. What runs now (nothing on a first deployment), and whether the config may start what it names.
  const before: FactoryTrigger[] = options.factoryIdBefore
    ? await options.triggerApi(options.factoryIdBefore).list()
    : [];
  const runningBefore = new Set(before.filter((t) => t.runtimeState === "Started").map((t) => t.name));
  checkStartable(options, runningBefore, now);

  // 2. Pre-deployment: stop every started trigger.
  const stopped: string[] = [];
  if (options.factoryIdBefore) {
    const api = options.triggerApi(options.factoryIdBefore);
    for (const name of [...runningBefore].sort()) {
      log(`stopping trigger ${name}`);
      await api.stop(name);
      stopped.push(name);
    }
  }

  // 3. pulumi up.
  log(`pulumi up (stack ${options.stack})`);
  let factoryId: string;
  try {
    ({ dataFactoryId: factoryId } = await options.up());
  } catch (error) {
    throw new DeployError(
      `pulumi up failed; ${stopped.length > 0 ? `triggers ${stopped.join(", ")} stay stopped until a deployment succeeds` : "no trigger was stopped"}: ${error instanceof Error ? error.message : String(error)}`,
      stopped,
    );
  }

  // 4. Post-deployment: start exactly the triggers the stack config names.
  const api = options.triggerApi(factoryId);
  const after = await api.list();
  const present = new Map(after.map((t) => [t.name, t]));
  const started: string[] = [];
  for (const name of enabled) {
    const trigger = present.get(name);
    if (!trigger)
      throw new DeployError(`trigger ${name} is not in the deployed factory ${factoryId}`, stopped);
    if (trigger.runtimeState === "Started") continue;
    log(`starting trigger ${name}`);
    await api.start(name);
    started.push(name);
  }
  const leftStopped = after
    .map((t) => t.name)
    .filter((n) => !enabled.includes(n))
    .sort();
  for (const name of leftStopped)
    log(`trigger ${name} stays stopped (not in c360:dataFactoryStartedTriggers)`);
  return { stopped, started, leftStopped };
}
