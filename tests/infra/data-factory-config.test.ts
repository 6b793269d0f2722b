/** The Data Factory trigger keys: start time and backfill are explicit stack config, never a past default. */
import { join } from "node:path";

import { checkStartedTriggers, loadAdfDefinitions, withWindowStart } from "../../infra/adf";
import { ConfigError, parseConfig, type RawConfig } from "../../infra/config";
import { readStackConfig, REPO_ROOT } from "../../infra/stack-file";

const dev = readStackConfig("dev");
const prod = readStackConfig("prod");

function errorFor(raw: RawConfig): string {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("parseConfig accepted the config");
}

describe("c360:dataFactory* keys", () => {
  it("each stack states its started triggers, window start and backfill allowance", () => {
    expect(parseConfig(dev).dataFactory).toEqual({
      startedTriggers: ["T_Daily_Full"],
      windowStartTime: "2026-12-07T00:00:00Z",
      maxBackfillWindows: 0,
    });
    expect(parseConfig(prod).dataFactory).toEqual({
      startedTriggers: ["T_Daily_Full", "T_Bronze_Every15Min"],
      windowStartTime: "2026-12-07T00:00:00Z",
      maxBackfillWindows: 0,
    });
  });

  it("the window start and the backfill allowance have no default", () => {
    expect(errorFor({ ...dev, dataFactoryWindowStartTime: undefined })).toBe(
      "config c360:dataFactoryWindowStartTime: is required but not set",
    );
    expect(errorFor({ ...dev, dataFactoryMaxBackfillWindows: "" })).toBe(
      "config c360:dataFactoryMaxBackfillWindows: is required but not set",
    );
  });

  it("rejects a window start that is not a UTC timestamp, and bad backfill counts and trigger names", () => {
    for (const bad of ["2026-12-07", "2026-12-07T00:00:00+01:00", "2026-13-07T00:00:00Z", "soon"])
      expect(errorFor({ ...dev, dataFactoryWindowStartTime: bad })).toBe(
        `config c360:dataFactoryWindowStartTime: "${bad}" is not a UTC timestamp such as 2026-12-07T00:00:00Z`,
      );
    expect(errorFor({ ...dev, dataFactoryMaxBackfillWindows: "-1" })).toBe(
      "config c360:dataFactoryMaxBackfillWindows: -1 is outside 0..10000",
    );
    expect(errorFor({ ...dev, dataFactoryStartedTriggers: "T_Daily_Full,T Bad" })).toBe(
      'config c360:dataFactoryStartedTriggers: "T Bad" is not a trigger name',
    );
  });
});

describe("the tumbling window's start reaches the trigger from the stack config only", () => {
  const definitions = loadAdfDefinitions(join(REPO_ROOT, "adf"));
  const bronze = definitions.triggers.find((t) => t.name === "T_Bronze_Every15Min")!;
  const daily = definitions.triggers.find((t) => t.name === "T_Daily_Full")!;

  it("sets the configured start on tumbling-window triggers and leaves schedule triggers alone", () => {
    expect(withWindowStart(bronze.properties, "2026-12-07T00:00:00Z", bronze.file)).toMatchObject({
      type: "TumblingWindowTrigger",
      startTime: "2026-12-07T00:00:00Z",
      frequency: "Minute",
      interval: 15,
    });
    expect(withWindowStart(daily.properties, "2026-12-07T00:00:00Z", daily.file)).toBe(daily.properties);
  });

  it("refuses a committed start time", () => {
    const committed = { ...bronze.properties, startTime: "2026-01-01T00:00:00Z" };
    expect(() => withWindowStart(committed, "2026-12-07T00:00:00Z", bronze.file)).toThrow(
      "trigger/T_Bronze_Every15Min.json: a tumbling-window trigger's startTime is stack configuration (c360:dataFactoryWindowStartTime), not committed",
    );
  });
});

it("the triggers a stack starts must exist in adf/trigger", () => {
  const known = loadAdfDefinitions(join(REPO_ROOT, "adf")).triggers.map((t) => t.name);
  for (const stack of [dev, prod])
    expect(() => checkStartedTriggers(parseConfig(stack).dataFactory.startedTriggers, known)).not.toThrow();
  expect(() => checkStartedTriggers(["T_Daily_Full", "T_Hourly"], known)).toThrow(
    'c360:dataFactoryStartedTriggers names "T_Hourly", which is not a trigger in adf/trigger (have: T_Bronze_Every15Min, T_Daily_Full)',
  );
});
