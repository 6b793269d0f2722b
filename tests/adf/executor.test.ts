import type { Activity, Factory, Pipeline } from "../../orchestration/definitions";
import { loadFactory } from "../../orchestration/definitions";
import type { ActivityRun, NotebookRequest, PipelineRun, WebRequest } from "../../orchestration/executor";
import { flattenRuns, LocalDataFactory, PipelineStartError } from "../../orchestration/executor";
import { UnsupportedExpressionError } from "../../orchestration/expressions";

const GLOBALS = {
  environment: "test",
  databricksWorkspaceUrl: "https://adb-1.azuredatabricks.net",
  databricksWorkspaceResourceId: "/subscriptions/x/ws",
  lakeBlobEndpoint: "https://lake.blob/",
  lakeDfsEndpoint: "https://lake.dfs/",
  alertWebhookUrl: "https://alerts/hook",
  traitsSyncQueueUrl: "https://host.queue.core.windows.net/traits-sync/messages",
};

/** A recording world: notebook calls, web calls; notebooks fail when `failures` says so. */
function harness(
  factory: Factory,
  failures: Record<string, number | "always"> = {},
  globalParameters: Record<string, string> = GLOBALS,
) {
  const notebooks: NotebookRequest[] = [];
  const web: WebRequest[] = [];
  let ids = 0;
  const adf = new LocalDataFactory({
    factory,
    globalParameters,
    timeScale: 0,
    now: () => new Date("2026-03-10T02:00:05Z"),
    newRunId: () => `run-${++ids}`,
    notebookRunner: async (req) => {
      notebooks.push(req);
      const f = failures[req.notebookPath];
      const seen = notebooks.filter((n) => n.notebookPath === req.notebookPath).length;
      if (f === "always" || (typeof f === "number" && seen <= f))
        throw new Error(`boom in ${req.notebookPath}`);
      return { layer: req.notebookPath, rows: 42 };
    },
    webHandler: async (req) => {
      web.push(req);
      return { status: 201, body: { ok: true } };
    },
    datasetProbe: async (req) => ({
      exists: true,
      childItems: (req.location as { folderPath: string }).folderPath ? 3 : 0,
    }),
  });
  return { adf, notebooks, web };
}

const byName = (run: PipelineRun, name: string): ActivityRun => {
  const r = flattenRuns(run).find((a) => a.activityName === name && a.pipelineRunId === run.runId);
  if (!r) throw new Error(`no run for ${name}`);
  return r;
};
const statuses = (run: PipelineRun) =>
  Object.fromEntries(run.activityRuns.map((a) => [a.activityName, a.status]));

describe("the committed master pipeline, run locally with a recording notebook runner", () => {
  const factory = loadFactory();

  it("runs bronze → silver → gold with one load_id, publishes the run record and notifies", async () => {
    const { adf, notebooks, web } = harness(factory);
    const run = await adf.runPipeline("P_C360_Master", {
      windowStart: "2026-03-09",
      windowEnd: "2026-03-10",
    });
    expect(run.status).toBe("Succeeded");
    expect(notebooks.map((n) => n.notebookPath)).toEqual([
      "/c360/notebooks/bronze",
      "/c360/notebooks/silver",
      "/c360/notebooks/gold",
      "/c360/notebooks/export",
    ]);
    for (const n of notebooks.slice(0, 3))
      expect(n.baseParameters).toEqual({
        environment: "test",
        window_start: "2026-03-09",
        window_end: "2026-03-10",
        load_id: run.runId,
      });
    // The person export step after gold, as of this load.
    expect(notebooks[3].baseParameters).toEqual({ load_id: run.runId });
    expect(notebooks[3].linkedService).toEqual(notebooks[2].linkedService);
    expect(notebooks[0].linkedService.typeProperties).toMatchObject({
      domain: "https://adb-1.azuredatabricks.net",
      authentication: "MSI",
      workspaceResourceId: "/subscriptions/x/ws",
    });
    expect(statuses(run)).toEqual({
      Run_Bronze: "Succeeded",
      Run_Silver: "Succeeded",
      Run_Gold: "Succeeded",
      Validate_Gold_Output: "Succeeded",
      Sync_Profile_Traits: "Succeeded",
      Export_Person_Data: "Succeeded",
      Publish_Run_Record: "Succeeded",
      Notify_Success: "Succeeded",
      Record_Failed_Run: "Skipped",
      Alert_Failure: "Skipped",
      Fail_Run: "Skipped",
    });
    expect(web.map((w) => `${w.method} ${w.url}`)).toEqual([
      "POST https://host.queue.core.windows.net/traits-sync/messages",
      `PUT https://lake.blob/control/runs/P_C360_Master/${run.runId}.json`,
      "POST https://alerts/hook",
    ]);
    // The traits sync of this load is enqueued (Put Message, as the queue's REST API takes it) after gold.
    expect(web[0].body).toBe(
      `<QueueMessage><MessageText>{"loadId":"${run.runId}"}</MessageText></QueueMessage>`,
    );
    expect(web[0].authentication).toMatchObject({ type: "MSI", resource: "https://storage.azure.com/" });
    const record = JSON.parse(web[1].body!);
    expect(record).toMatchObject({
      status: "Succeeded",
      loadId: run.runId,
      windowStart: "2026-03-09",
      environment: "test",
    });
    expect(record.layerRuns).toEqual({
      bronze: byName(run, "Run_Bronze").childRun!.runId,
      silver: byName(run, "Run_Silver").childRun!.runId,
      gold: byName(run, "Run_Gold").childRun!.runId,
    });
    expect(byName(run, "Run_Gold").childRun!.activityRuns[0].output).toMatchObject({
      runOutput: { layer: "/c360/notebooks/gold", rows: 42 },
    });
  });

  it("fails the master when a layer fails: retries, skips later layers, records the failed run and alerts once", async () => {
    const { adf, notebooks, web } = harness(factory, { "/c360/notebooks/silver": "always" });
    const run = await adf.runPipeline("P_C360_Master", {});
    expect(run.status).toBe("Failed");
    expect(run.error).toMatchObject({ errorCode: "C360_MEDALLION_FAILED", target: "Fail_Run" });
    // retry: 2 → three attempts of the silver notebook, gold never runs
    expect(notebooks.map((n) => n.notebookPath)).toEqual([
      "/c360/notebooks/bronze",
      "/c360/notebooks/silver",
      "/c360/notebooks/silver",
      "/c360/notebooks/silver",
    ]);
    expect(statuses(run)).toMatchObject({
      Run_Bronze: "Succeeded",
      Run_Silver: "Failed",
      Run_Gold: "Skipped",
      Validate_Gold_Output: "Skipped",
      Export_Person_Data: "Skipped",
      Publish_Run_Record: "Skipped",
      Notify_Success: "Skipped",
      Record_Failed_Run: "Succeeded",
      Alert_Failure: "Succeeded",
      Fail_Run: "Failed",
    });
    const silver = byName(run, "Run_Silver");
    expect(silver.error!.message).toBe(
      "Operation on target Fail_Silver failed: silver notebook failed: boom in /c360/notebooks/silver",
    );
    const child = silver.childRun!;
    expect(child.status).toBe("Failed");
    expect(byName(child, "Silver_Notebook").attempts).toBe(3);
    expect(byName(child, "If_Alert_On_Failure").nested!.map((n) => n.status)).toEqual([]); // alertOnFailure=false
    // layer record (PUT), master record (PUT), one alert (POST) from the master only
    expect(web.map((w) => `${w.method} ${w.url.replace(/run-\d+/, "<id>")}`)).toEqual([
      "PUT https://lake.blob/control/runs/P_C360_Silver/<id>.json",
      "PUT https://lake.blob/control/runs/P_C360_Master/<id>.json",
      "POST https://alerts/hook",
    ]);
    expect(JSON.parse(web[0].body!)).toMatchObject({
      layer: "silver",
      status: "Failed",
      error: { message: "boom in /c360/notebooks/silver", errorCode: "ActivityFailed" },
    });
    expect(JSON.parse(web[2].body!)).toMatchObject({ severity: "error", title: "c360 medallion run failed" });
  });

  it("a failing person export step fails the master after its retries: the run is recorded failed and alerted", async () => {
    const { adf, notebooks, web } = harness(factory, { "/c360/notebooks/export": "always" });
    const run = await adf.runPipeline("P_C360_Master", {});
    expect(run.status).toBe("Failed");
    expect(notebooks.filter((n) => n.notebookPath === "/c360/notebooks/export")).toHaveLength(3);
    expect(statuses(run)).toMatchObject({
      Run_Gold: "Succeeded",
      Sync_Profile_Traits: "Succeeded",
      Export_Person_Data: "Failed",
      Publish_Run_Record: "Skipped",
      Record_Failed_Run: "Succeeded",
      Fail_Run: "Failed",
    });
    expect(JSON.parse(web.find((w) => w.url.includes("P_C360_Master"))!.body!)).toMatchObject({
      status: "Failed",
    });
  });

  it("a transient notebook failure is retried and the run succeeds", async () => {
    const { adf, notebooks } = harness(factory, { "/c360/notebooks/bronze": 1 });
    const run = await adf.runPipeline("P_C360_Master", {});
    expect(run.status).toBe("Succeeded");
    expect(notebooks.filter((n) => n.notebookPath === "/c360/notebooks/bronze")).toHaveLength(2);
    expect(byName(byName(run, "Run_Bronze").childRun!, "Bronze_Notebook").attempts).toBe(2);
  });

  it("the daily trigger passes the previous day's window", async () => {
    const { adf, notebooks } = harness(factory);
    const [run] = await adf.runTrigger("T_Daily_Full", { scheduledTime: "2026-03-10T02:00:00Z" });
    expect(run.invokedBy).toEqual({ type: "ScheduleTrigger", name: "T_Daily_Full" });
    expect(run.parameters).toEqual({ windowStart: "2026-03-09", windowEnd: "2026-03-10" });
    expect(notebooks[2].baseParameters.window_start).toBe("2026-03-09");
  });

  it("the tumbling-window trigger runs bronze alone and alerts itself when it fails", async () => {
    const { adf, notebooks, web } = harness(factory, { "/c360/notebooks/bronze": "always" });
    const [run] = await adf.runTrigger("T_Bronze_Every15Min", {
      windowStartTime: "2026-03-10T01:45:00Z",
      windowEndTime: "2026-03-10T02:00:00Z",
    });
    expect(run.pipelineName).toBe("P_C360_Bronze");
    expect(notebooks[0].baseParameters).toEqual({
      environment: "test",
      window_start: "2026-03-10",
      window_end: "2026-03-11",
      load_id: run.runId,
    });
    expect(run.status).toBe("Failed");
    expect(run.error).toMatchObject({
      errorCode: "C360_BRONZE_FAILED",
      message: "bronze notebook failed: boom in /c360/notebooks/bronze",
    });
    expect(web.map((w) => w.method)).toEqual(["PUT", "POST"]);
    expect(JSON.parse(web[1].body!)).toMatchObject({
      title: "c360 bronze run failed",
      windowStart: "2026-03-10",
    });
    // The last window of a day selects that day's partition only.
    const late = harness(factory);
    await late.adf.runTrigger("T_Bronze_Every15Min", {
      windowStartTime: "2026-03-10T23:45:00Z",
      windowEndTime: "2026-03-11T00:00:00Z",
    });
    expect(late.notebooks[0].baseParameters).toMatchObject({
      window_start: "2026-03-10",
      window_end: "2026-03-11",
    });
  });

  describe("with no alert webhook configured (alertWebhookUrl empty, as infra/program.ts deploys it)", () => {
    const noWebhook = { ...GLOBALS, alertWebhookUrl: "" };

    it("a successful run succeeds and posts nothing", async () => {
      const { adf, web } = harness(factory, {}, noWebhook);
      const run = await adf.runPipeline("P_C360_Master", {
        windowStart: "2026-03-09",
        windowEnd: "2026-03-10",
      });
      expect(run.error).toBeUndefined();
      expect(run.status).toBe("Succeeded");
      expect(statuses(run)).toMatchObject({ Publish_Run_Record: "Succeeded", Notify_Success: "Succeeded" });
      expect(byName(run, "Notify_Success").nested).toEqual([]);
      // the traits sync's enqueue and the run record; no webhook post
      expect(web.map((w) => `${w.method} ${w.url}`)).toEqual([
        `POST ${GLOBALS.traitsSyncQueueUrl}`,
        expect.stringMatching(/^PUT https:\/\/lake\.blob\/control\/runs\//),
      ]);
    });

    it("a failed run still records itself and fails with its own error, without a webhook call", async () => {
      const { adf, web } = harness(factory, { "/c360/notebooks/gold": "always" }, noWebhook);
      const run = await adf.runPipeline("P_C360_Master", {});
      expect(run.status).toBe("Failed");
      expect(run.error).toMatchObject({ errorCode: "C360_MEDALLION_FAILED", target: "Fail_Run" });
      expect(statuses(run)).toMatchObject({ Record_Failed_Run: "Succeeded", Alert_Failure: "Succeeded" });
      expect(web.map((w) => w.method)).toEqual(["PUT", "PUT"]);
    });

    it("a trigger-started bronze failure fails with the notebook's error, without a webhook call", async () => {
      const { adf, web } = harness(factory, { "/c360/notebooks/bronze": "always" }, noWebhook);
      const [run] = await adf.runTrigger("T_Bronze_Every15Min", {
        windowStartTime: "2026-03-10T01:45:00Z",
        windowEndTime: "2026-03-10T02:00:00Z",
      });
      expect(run.error).toMatchObject({
        errorCode: "C360_BRONZE_FAILED",
        message: "bronze notebook failed: boom in /c360/notebooks/bronze",
      });
      expect(web.map((w) => w.method)).toEqual(["PUT"]);
    });
  });

  it("bronze runs one at a time: a 15-minute window and the master's Run_Bronze never MERGE into bronze together", async () => {
    const bronze = factory.pipelines.get("P_C360_Bronze")!;
    expect(bronze.properties.concurrency).toBe(1);
    let active = 0;
    let maxActive = 0;
    const entered: string[] = [];
    const adf = new LocalDataFactory({
      factory,
      globalParameters: GLOBALS,
      timeScale: 0,
      notebookRunner: async (req) => {
        if (req.notebookPath !== "/c360/notebooks/bronze") return {};
        entered.push(req.pipelineRunId);
        maxActive = Math.max(maxActive, ++active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
        return {};
      },
      webHandler: async () => ({ status: 201 }),
      datasetProbe: async () => ({ exists: true, childItems: 1 }),
    });
    const [master, [window1], [window2]] = await Promise.all([
      adf.runPipeline("P_C360_Master", { windowStart: "2026-03-09", windowEnd: "2026-03-10" }),
      adf.runTrigger("T_Bronze_Every15Min", {
        windowStartTime: "2026-03-10T01:45:00Z",
        windowEndTime: "2026-03-10T02:00:00Z",
      }),
      adf.runTrigger("T_Bronze_Every15Min", {
        windowStartTime: "2026-03-10T02:00:00Z",
        windowEndTime: "2026-03-10T02:15:00Z",
      }),
    ]);
    expect([master.status, window1.status, window2.status]).toEqual(["Succeeded", "Succeeded", "Succeeded"]);
    expect(entered).toHaveLength(3);
    expect(maxActive).toBe(1);
  });

  it("a pipeline's concurrency limit queues runs beyond it, first in first out", async () => {
    const f = synthetic([nb("slow")]);
    f.pipelines.get("P")!.properties.concurrency = 2;
    let active = 0;
    let maxActive = 0;
    const order: string[] = [];
    const adf = new LocalDataFactory({
      factory: f,
      timeScale: 0,
      notebookRunner: async (req) => {
        maxActive = Math.max(maxActive, ++active);
        await new Promise((r) => setTimeout(r, 20));
        order.push(req.baseParameters.p);
        active--;
      },
    });
    const runs = await Promise.all(["1", "2", "3", "4", "5"].map((p) => adf.runPipeline("P", { p })));
    expect(runs.map((r) => r.status)).toEqual(Array(5).fill("Succeeded"));
    expect(maxActive).toBe(2);
    expect(order.slice(2)).toEqual(["3", "4", "5"]);
  });

  it("rejects undeclared and mistyped parameters before running anything", async () => {
    const { adf, notebooks } = harness(factory);
    await expect(adf.runPipeline("P_C360_Master", { window: "x" })).rejects.toThrow(
      'pipeline P_C360_Master: parameter "window" is not declared',
    );
    await expect(adf.runPipeline("P_C360_Bronze", { alertOnFailure: "maybe" })).rejects.toThrow(
      'parameter "alertOnFailure" must be Bool, got "maybe"',
    );
    await expect(adf.runPipeline("P_Nope")).rejects.toThrow(PipelineStartError);
    expect(notebooks).toHaveLength(0);
  });
});

// ---------- dependency conditions on small synthetic pipelines ----------

const nb = (name: string, deps: [string, ...string[]][] = [], extra: Partial<Activity> = {}): Activity => ({
  name,
  type: "DatabricksNotebook",
  linkedServiceName: { referenceName: "Ls", type: "LinkedServiceReference" },
  dependsOn: deps.map(([activity, ...conds]) => ({ activity, dependencyConditions: conds as never })),
  typeProperties: {
    notebookPath: `/c360/notebooks/${name}`,
    baseParameters: { p: "@pipeline().parameters.p" },
  },
  ...extra,
});

function synthetic(
  activities: Activity[],
  parameters: Pipeline["properties"]["parameters"] = { p: { type: "String", defaultValue: "d" } },
): Factory {
  return {
    dir: "memory",
    pipelines: new Map([["P", { name: "P", properties: { activities, parameters } }]]),
    linkedServices: new Map([
      ["Ls", { name: "Ls", properties: { type: "AzureDatabricks", typeProperties: {} } }],
    ]),
    datasets: new Map(),
    triggers: new Map(),
    globalParameters: {},
    loadErrors: [],
  };
}

describe("dependency conditions and pipeline status, as Data Factory documents them", () => {
  it("Succeeded/Failed/Completed/Skipped, AND across entries, OR within one", async () => {
    const f = synthetic([
      nb("a"),
      nb("on_success", [["a", "Succeeded"]]),
      nb("on_failure", [["a", "Failed"]]),
      nb("on_completion", [["a", "Completed"]]),
      nb("on_skip", [["on_success", "Skipped"]]),
      nb("completion_of_skipped", [["on_success", "Completed"]]),
      nb("and_both", [
        ["a", "Failed"],
        ["on_failure", "Succeeded"],
      ]),
      nb("and_unmet", [
        ["a", "Succeeded"],
        ["on_failure", "Succeeded"],
      ]),
      nb("or_within", [["a", "Succeeded", "Failed"]]),
    ]);
    const { adf, notebooks } = harness(f, { "/c360/notebooks/a": "always" });
    const run = await adf.runPipeline("P", { p: "v" });
    expect(statuses(run)).toEqual({
      a: "Failed",
      on_success: "Skipped",
      on_failure: "Succeeded",
      on_completion: "Succeeded",
      on_skip: "Succeeded",
      completion_of_skipped: "Skipped",
      and_both: "Succeeded",
      and_unmet: "Skipped",
      or_within: "Succeeded",
    });
    expect(notebooks.every((n) => n.baseParameters.p === "v")).toBe(true);
    // Leaves: completion_of_skipped and and_unmet are skipped → their parents are evaluated: `a` failed.
    expect(run.status).toBe("Failed");
  });

  it("try-catch: a failure handled by an upon-failure path leaves the pipeline succeeded", async () => {
    const { adf } = harness(synthetic([nb("a"), nb("handler", [["a", "Failed"]])]), {
      "/c360/notebooks/a": "always",
    });
    const run = await adf.runPipeline("P");
    expect(statuses(run)).toEqual({ a: "Failed", handler: "Succeeded" });
    expect(run.status).toBe("Succeeded");
  });

  it("do-if-else: upon success and upon failure branches from one activity leave the pipeline failed when it fails", async () => {
    const { adf } = harness(
      synthetic([nb("a"), nb("ok", [["a", "Succeeded"]]), nb("ko", [["a", "Failed"]])]),
      {
        "/c360/notebooks/a": "always",
      },
    );
    const run = await adf.runPipeline("P");
    expect(statuses(run)).toEqual({ a: "Failed", ok: "Skipped", ko: "Succeeded" });
    expect(run.status).toBe("Failed");
  });

  it("a Fail activity at the end of the handler fails the run with its message and code", async () => {
    const fail: Activity = {
      name: "stop",
      type: "Fail",
      dependsOn: [{ activity: "handler", dependencyConditions: ["Succeeded"] }],
      typeProperties: { message: "@concat('failed with p=', pipeline().parameters.p)", errorCode: "E42" },
    };
    const { adf } = harness(synthetic([nb("a"), nb("handler", [["a", "Failed"]]), fail]), {
      "/c360/notebooks/a": "always",
    });
    const run = await adf.runPipeline("P");
    expect(run.status).toBe("Failed");
    expect(run.error).toEqual({
      errorCode: "E42",
      message: "failed with p=d",
      failureType: "UserError",
      target: "stop",
    });
  });

  it("independent activities run concurrently", async () => {
    const f = synthetic([
      nb("x"),
      nb("y"),
      nb("z", [
        ["x", "Succeeded"],
        ["y", "Succeeded"],
      ]),
    ]);
    let inFlight = 0;
    let peak = 0;
    const adf = new LocalDataFactory({
      factory: f,
      timeScale: 0,
      notebookRunner: async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      },
    });
    const run = await adf.runPipeline("P");
    expect(run.status).toBe("Succeeded");
    expect(peak).toBe(2);
    expect(run.activityRuns.map((a) => a.activityName).at(-1)).toBe("z");
  });

  it("an activity that exceeds its policy timeout fails", async () => {
    const f = synthetic([nb("slow", [], { policy: { timeout: "0.00:00:01", retry: 0 } })]);
    const adf = new LocalDataFactory({
      factory: f,
      notebookRunner: () => new Promise((r) => setTimeout(r, 1500)),
    });
    const run = await adf.runPipeline("P");
    expect(run.status).toBe("Failed");
    expect(run.error!.message).toBe("activity slow timed out after 1000 ms");
  });

  it("an expression error fails the activity without retrying; an unsupported function aborts the run naming it", async () => {
    const bad = synthetic([
      nb("a", [], {
        policy: { retry: 3 },
        typeProperties: {
          notebookPath: "/c360/notebooks/a",
          baseParameters: { p: "@pipeline().parameters.q" },
        },
      }),
    ]);
    const h1 = harness(bad);
    const run = await h1.adf.runPipeline("P");
    expect(run.status).toBe("Failed");
    expect(run.activityRuns[0]).toMatchObject({ attempts: 1, error: { errorCode: "InvalidTemplate" } });
    expect(h1.notebooks).toHaveLength(0);

    const unsupported = synthetic([
      nb("a", [], {
        typeProperties: { notebookPath: "/c360/notebooks/a", baseParameters: { p: "@guid()" } },
      }),
    ]);
    await expect(harness(unsupported).adf.runPipeline("P")).rejects.toThrow(
      new UnsupportedExpressionError("function guid()", "@guid()"),
    );
  });

  it("a dependency cycle is reported instead of hanging", async () => {
    const { adf } = harness(synthetic([nb("a", [["b", "Succeeded"]]), nb("b", [["a", "Succeeded"]])]));
    await expect(adf.runPipeline("P")).rejects.toThrow('pipeline "P": dependency cycle among "a", "b"');
  });

  it("SetVariable and IfCondition read pipeline state", async () => {
    const activities: Activity[] = [
      {
        name: "set",
        type: "SetVariable",
        typeProperties: { variableName: "v", value: "@concat('x-', pipeline().parameters.p)" },
      },
      {
        name: "if",
        type: "IfCondition",
        dependsOn: [{ activity: "set", dependencyConditions: ["Succeeded"] }],
        typeProperties: {
          expression: { value: "@equals(variables('v'), 'x-yes')", type: "Expression" },
          ifTrueActivities: [nb("when_true")],
          ifFalseActivities: [nb("when_false")],
        },
      },
    ];
    const f = synthetic(activities);
    f.pipelines.get("P")!.properties.variables = { v: { type: "String" } };
    const h = harness(f);
    const run = await h.adf.runPipeline("P", { p: "yes" });
    expect(run.status).toBe("Succeeded");
    expect(h.notebooks.map((n) => n.notebookPath)).toEqual(["/c360/notebooks/when_true"]);
    const h2 = harness(f);
    await h2.adf.runPipeline("P", { p: "no" });
    expect(h2.notebooks.map((n) => n.notebookPath)).toEqual(["/c360/notebooks/when_false"]);
  });
});
