/**
 * `npm run deploy`: Data Factory's pre-/post-deployment trigger steps around `pulumi up`, against a
 * local stand-in of the ARM endpoints that records every call. The up step is injected (the Pulumi
 * CLI cannot run here) and records itself in the same call log, so the order is checked end to end.
 */
import { DeployError, deployWithTriggers, windowsSince } from "../../deploy/deploy";
import { armTriggerApi } from "../../deploy/factory-triggers";
import { committedTriggers, deployCommand } from "../../deploy/main";
import { type C360Config, parseConfig } from "../../infra/config";
import { readStackConfig } from "../../infra/stack-file";
import { type ArmStandIn, startArmStandIn, TOKEN } from "./arm-stand-in";

const DAILY = "T_Daily_Full";
const BRONZE = "T_Bronze_Every15Min";
const BEFORE_WINDOW_START = () => new Date("2026-12-06T12:00:00Z");

function scene(daily: string, bronze: string): Record<string, { type: string; runtimeState: string }> {
  return {
    [DAILY]: { type: "ScheduleTrigger", runtimeState: daily },
    [BRONZE]: { type: "TumblingWindowTrigger", runtimeState: bronze },
  };
}

/** The call log as readable steps (the list pages and operation polls folded into their step). */
function steps(arm: ArmStandIn): string[] {
  const out: string[] = [];
  for (const c of arm.calls) {
    const step =
      c.method === "UP"
        ? "pulumi up"
        : c.path.startsWith("/operations/")
          ? undefined
          : c.method === "GET"
            ? "list"
            : `${/\/(start|stop)\?/.exec(c.path)![1]} ${decodeURIComponent(/triggers\/([^/]+)\//.exec(c.path)![1])}`;
    if (step && out[out.length - 1] !== step) out.push(step);
  }
  return out;
}

function run(
  arm: ArmStandIn,
  config: Pick<C360Config, "dataFactory">,
  options: { first?: boolean; now?: () => Date; up?: () => Promise<void> } = {},
) {
  const statesAtUp: Record<string, string>[] = [];
  return {
    statesAtUp,
    result: deployWithTriggers({
      stack: "test",
      config,
      triggers: committedTriggers(),
      factoryIdBefore: options.first ? undefined : arm.factoryId,
      now: options.now ?? BEFORE_WINDOW_START,
      up: async () => {
        arm.calls.push({ method: "UP", path: "" });
        statesAtUp.push(Object.fromEntries([...arm.triggers].map(([n, t]) => [n, t.runtimeState])));
        await options.up?.();
        return { dataFactoryId: arm.factoryId };
      },
      triggerApi: (factoryId) =>
        armTriggerApi({ endpoint: arm.endpoint, factoryId, token: async () => TOKEN, pollIntervalMs: 1 }),
    }),
  };
}

const prod = parseConfig(readStackConfig("prod"));
const dev = parseConfig(readStackConfig("dev"));

describe("npm run deploy: stop started triggers, pulumi up, start the configured ones", () => {
  let arm: ArmStandIn;
  afterEach(() => arm?.stop());

  it("prod: both triggers stopped before the update and started after it", async () => {
    arm = await startArmStandIn(scene("Started", "Started"));
    const { result, statesAtUp } = run(arm, prod);
    expect(await result).toEqual({ stopped: [BRONZE, DAILY], started: [DAILY, BRONZE], leftStopped: [] });
    expect(statesAtUp).toEqual([{ [DAILY]: "Stopped", [BRONZE]: "Stopped" }]);
    expect(steps(arm)).toEqual([
      "list",
      `stop ${BRONZE}`,
      `stop ${DAILY}`,
      "pulumi up",
      "list",
      `start ${DAILY}`,
      `start ${BRONZE}`,
    ]);
    // Every stop was followed to completion (its async operation polled) before the update.
    const up = arm.calls.findIndex((c) => c.method === "UP");
    expect(arm.calls.slice(0, up).filter((c) => c.path.startsWith("/operations/"))).toHaveLength(4);
    expect(Object.fromEntries([...arm.triggers].map(([n, t]) => [n, t.runtimeState]))).toEqual({
      [DAILY]: "Started",
      [BRONZE]: "Started",
    });
  });

  it("dev: nothing is started that the config does not name, even a trigger that was running", async () => {
    arm = await startArmStandIn(scene("Started", "Started"));
    const { result } = run(arm, dev);
    expect(await result).toEqual({ stopped: [BRONZE, DAILY], started: [DAILY], leftStopped: [BRONZE] });
    expect(steps(arm)).not.toContain(`start ${BRONZE}`);
    expect(arm.triggers.get(BRONZE)!.runtimeState).toBe("Stopped");
    expect(arm.triggers.get(DAILY)!.runtimeState).toBe("Started");
  });

  it("a first deployment calls nothing before the update, then starts the configured triggers", async () => {
    arm = await startArmStandIn(scene("Stopped", "Stopped"));
    const { result } = run(arm, prod, { first: true });
    expect(await result).toEqual({ stopped: [], started: [DAILY, BRONZE], leftStopped: [] });
    expect(steps(arm)).toEqual(["pulumi up", "list", `start ${DAILY}`, `start ${BRONZE}`]);
  });

  it("a failed update leaves the stopped triggers stopped and says so", async () => {
    arm = await startArmStandIn(scene("Started", "Stopped"));
    const { result } = run(arm, prod, {
      up: async () => {
        throw new Error("QuotaExceeded: cores quota reached in westeurope");
      },
    });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).message).toMatch(
      /^pulumi up failed; triggers T_Daily_Full stay stopped until a deployment succeeds: /,
    );
    expect((error as DeployError).stoppedTriggers).toEqual([DAILY]);
    expect(steps(arm)).toEqual(["list", `stop ${DAILY}`, "pulumi up"]);
    expect(arm.triggers.get(DAILY)!.runtimeState).toBe("Stopped");
  });

  it("refuses, before changing anything, to start a tumbling window that would backfill past its allowance", async () => {
    arm = await startArmStandIn(scene("Started", "Stopped"));
    // 2026-12-07T00:00Z + 2 h 10 min: eight complete 15-minute windows, allowance 0.
    const { result } = run(arm, prod, { now: () => new Date("2026-12-07T02:10:00Z") });
    await expect(result).rejects.toThrow(
      "T_Bronze_Every15Min would backfill 8 windows from c360:dataFactoryWindowStartTime 2026-12-07T00:00:00Z to 2026-12-07T02:10:00.000Z (c360:dataFactoryMaxBackfillWindows is 0); set a start time that is not in the past, or allow the backfill explicitly. Nothing was changed.",
    );
    expect(steps(arm)).toEqual(["list"]);
    expect(arm.triggers.get(DAILY)!.runtimeState).toBe("Started");

    // An explicit allowance lets it start; a trigger that was already running resumes unchecked.
    const allowed = { dataFactory: { ...prod.dataFactory, maxBackfillWindows: 8 } };
    await expect(
      run(arm, allowed, { now: () => new Date("2026-12-07T02:10:00Z") }).result,
    ).resolves.toMatchObject({
      started: [DAILY, BRONZE],
    });
    await expect(
      run(arm, prod, { now: () => new Date("2027-06-01T00:00:00Z") }).result,
    ).resolves.toMatchObject({ stopped: [BRONZE, DAILY], started: [DAILY, BRONZE] });
  });

  it("a trigger name the factory does not have is an error before anything changes", async () => {
    arm = await startArmStandIn(scene("Started", "Started"));
    const config = { dataFactory: { ...prod.dataFactory, startedTriggers: ["T_Hourly"] } };
    await expect(run(arm, config).result).rejects.toThrow(
      'c360:dataFactoryStartedTriggers names "T_Hourly", which is not a trigger in adf/trigger (have: T_Bronze_Every15Min, T_Daily_Full)',
    );
    expect(steps(arm)).toEqual(["list"]);
  });

  it("ARM errors are reported with their code; the token is required", async () => {
    arm = await startArmStandIn(scene("Started", "Started"));
    const api = armTriggerApi({
      endpoint: arm.endpoint,
      factoryId: arm.factoryId,
      token: async () => "wrong",
    });
    await expect(api.list()).rejects.toThrow(/answered 401 AuthenticationFailed: no valid bearer token$/);
    const ok = armTriggerApi({ endpoint: arm.endpoint, factoryId: arm.factoryId, token: async () => TOKEN });
    await expect(ok.start("T_Nope")).rejects.toThrow(/answered 404 TriggerNotFound: no trigger T_Nope$/);
    expect(() =>
      armTriggerApi({ endpoint: arm.endpoint, factoryId: "/subscriptions/x", token: async () => TOKEN }),
    ).toThrow('"/subscriptions/x" is not a Data Factory resource id');
  });
});

describe("backfill arithmetic and the command line", () => {
  it("counts complete windows between the start time and now", () => {
    const start = new Date("2026-01-01T00:00:00Z");
    expect(windowsSince(start, new Date("2025-12-31T00:00:00Z"), "Minute", 15)).toBe(0);
    expect(windowsSince(start, new Date("2026-01-01T00:14:59Z"), "Minute", 15)).toBe(0);
    expect(windowsSince(start, new Date("2026-01-01T00:15:00Z"), "Minute", 15)).toBe(1);
    // The committed trigger's old start (2026-01-01) against the day the issue was filed: ~32,500 windows.
    expect(windowsSince(start, new Date("2026-12-06T00:00:00Z"), "Minute", 15)).toBe(32_544);
    expect(windowsSince(start, new Date("2026-01-02T00:00:00Z"), "Hour", 6)).toBe(4);
    expect(windowsSince(start, new Date("2026-03-31T00:00:00Z"), "Month", 1)).toBe(2);
  });

  it("--stack is required", () => {
    expect(() =>
      deployCommand()
        .configureOutput({ writeErr: () => undefined })
        .parse([], { from: "user" }),
    ).toThrow("required option '--stack <name>' not specified");
    const cmd = deployCommand();
    cmd.parse(["--stack", "dev"], { from: "user" });
    expect(cmd.opts()).toMatchObject({ stack: "dev", armEndpoint: expect.stringMatching(/^https:\/\//) });
  });
});
