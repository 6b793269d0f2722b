import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { loadFactory } from "../../orchestration/definitions";
import { notebookFileFor, validateFactory } from "../../orchestration/validate";

describe("adf validate", () => {
  it("the committed definitions are structurally valid", () => {
    const factory = loadFactory();
    expect([...factory.pipelines.keys()]).toEqual([
      "P_C360_Bronze",
      "P_C360_Gold",
      "P_C360_Master",
      "P_C360_Silver",
    ]);
    expect([...factory.triggers.keys()]).toEqual(["T_Bronze_Every15Min", "T_Daily_Full"]);
    expect(validateFactory(factory)).toEqual([]);
  });

  it("maps Databricks workspace notebook paths to the repository's notebooks/", () => {
    expect(notebookFileFor("/c360/notebooks/silver")).toBe("notebooks/silver.py");
    expect(notebookFileFor("/c360/notebooks/../secrets")).toBeUndefined();
    expect(notebookFileFor("/Users/me/silver")).toBeUndefined();
  });

  it("reports every problem of a deliberately broken factory precisely", () => {
    const dir = mkdtempSync(join(tmpdir(), "adf-broken-"));
    try {
      cpSync(join(__dirname, "fixtures", "broken"), dir, { recursive: true });
      // Kept out of the repository so that the formatter does not trip over it.
      writeFileSync(join(dir, "pipeline", "P_Bad.json"), '{ "name": "P_Bad", "properties": ');
      const problems = validateFactory(loadFactory(dir), { repoRoot: join(__dirname, "..", "..") });
      expect(problems.sort()).toEqual(
        [
          "pipeline/P_Bad.json: not valid JSON (Unexpected end of JSON input)",
          'linkedService/Ls_Wrong.json: resource name "Ls_Other" does not match the file name',
          'pipeline/P_Broken.json: activity "C": unknown dependency condition "Done" (use Succeeded, Failed, Skipped, Completed)',
          'pipeline/P_Broken.json: activity "C" depends on "Nowhere", which is not an activity of the same scope',
          "pipeline/P_Broken.json: dependency cycle: A → B → A",
          'pipeline/P_Broken.json: activity "Run_Missing": executes pipeline "P_DoesNotExist", which does not exist',
          'pipeline/P_Broken.json: activity "Nb": linked service "Ls_Missing" does not exist',
          'pipeline/P_Broken.json: activity "Nb": notebookPath "/c360/notebooks/platinum" maps to notebooks/platinum.py, which does not exist',
          'pipeline/P_Broken.json: activity "Nb": "@pipeline().parameters.undeclared": pipeline().parameters.undeclared is not a declared parameter of P_Broken',
          'pipeline/P_Broken.json: activity "Nb": "@pipeline().globalParameters.nope": pipeline().globalParameters.nope is not a declared global parameter',
          'pipeline/P_Broken.json: activity "Nb": "@base64(pipeline().parameters.windowStart)": function base64() is not supported by the local executor',
          "pipeline/P_Broken.json: activity \"Nb\": \"@{activity('Ghost').output}\": activity('Ghost') refers to an activity that does not exist",
          'pipeline/P_Broken.json: activity "Nb": "@pipeline().runId": pipeline().runId is not a system variable',
          'pipeline/P_Broken.json: activity "Nb2": invalid time span "2 hours" (expected d.hh:mm:ss)',
          'pipeline/P_Broken.json: activity "Nb2": notebookPath "/Users/someone/bronze" is not under /c360/notebooks/<name> (the folder the infra uploads notebooks/ to)',
          'pipeline/P_Broken.json: activity "Nb2": linked service Ls_Db: required parameter "url" is not given',
          'pipeline/P_Broken.json: activity "Lookup1": type "Lookup" is not supported by the local executor',
          'pipeline/P_Caller.json: activity "Call": pipeline P_Ok: passes parameter "extra", which is not declared',
          'pipeline/P_Caller.json: activity "Call": pipeline P_Ok: required parameter "needed" is not given',
          "pipeline/P_Caller.json: ExecutePipeline cycle: P_Caller → P_Caller",
          'linkedService/Ls_Db.json: "@{linkedService().resourceId}": linkedService().resourceId is not a declared parameter of Ls_Db',
          'dataset/Ds_X.json: linked service "Ls_Nope" does not exist',
          'dataset/Ds_X.json: "@dataset().path": dataset().path is not a declared parameter of Ds_X',
          'trigger/T_Orphan.json: targets pipeline "P_Gone", which does not exist',
          'trigger/T_Sched.json: "@trigger().outputs.windowStartTime": trigger().outputs is only available in a TumblingWindowTrigger',
        ].sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("catches a single broken reference in an otherwise valid copy of adf/", () => {
    const dir = mkdtempSync(join(tmpdir(), "adf-one-"));
    try {
      cpSync(join(__dirname, "..", "..", "adf"), dir, { recursive: true });
      const file = join(dir, "pipeline", "P_C360_Master.json");
      const master = JSON.parse(readFileSync(file, "utf8"));
      master.properties.activities[2].typeProperties.pipeline.referenceName = "P_C360_Gld";
      writeFileSync(file, JSON.stringify(master));
      expect(validateFactory(loadFactory(dir))).toEqual([
        'pipeline/P_C360_Master.json: activity "Run_Gold": executes pipeline "P_C360_Gld", which does not exist',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a committed tumbling-window startTime: the start (and any backfill) is stack configuration", () => {
    const dir = mkdtempSync(join(tmpdir(), "adf-start-"));
    try {
      cpSync(join(__dirname, "..", "..", "adf"), dir, { recursive: true });
      const file = join(dir, "trigger", "T_Bronze_Every15Min.json");
      const trigger = JSON.parse(readFileSync(file, "utf8"));
      expect(trigger.properties.typeProperties.startTime).toBeUndefined();
      trigger.properties.typeProperties.startTime = "2026-01-01T00:00:00Z";
      writeFileSync(file, JSON.stringify(trigger));
      expect(validateFactory(loadFactory(dir))).toEqual([
        "trigger/T_Bronze_Every15Min.json: a committed tumbling window startTime backfills every window since it once started; the start time is stack configuration (c360:dataFactoryWindowStartTime)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects activity('X') unless X is upstream of the activity that reads it, as Data Factory does", () => {
    const web = (name: string, deps: string[], reads: string, extra: Record<string, unknown> = {}) => ({
      name,
      type: "WebActivity",
      dependsOn: deps.map((d) => ({ activity: d, dependencyConditions: ["Completed"] })),
      typeProperties: { method: "POST", url: "https://x.example/", body: `@{activity('${reads}').output}` },
      ...extra,
    });
    const activities = [
      web("A", [], "A"), // itself
      web("B", ["A"], "A"), // direct parent: fine
      web("C", ["B"], "A"), // grandparent: fine
      web("D", [], "B"), // a sibling it does not depend on
      web("E", ["A"], "C"), // downstream of its own parent, not upstream of E
      {
        name: "If",
        type: "IfCondition",
        dependsOn: [{ activity: "B", dependencyConditions: ["Succeeded"] }],
        typeProperties: {
          expression: "@equals(activity('A').status, 'Succeeded')", // the container reads its ancestor: fine
          ifTrueActivities: [
            web("Inner1", [], "A"), // upstream of the container: fine
            web("Inner2", ["Inner1"], "Inner1"), // upstream in the branch: fine
            web("Inner3", [], "D"), // outer, not upstream of the container
          ],
        },
      },
    ];
    const factory = {
      dir: "memory",
      pipelines: new Map([["P", { name: "P", properties: { activities } }]]),
      linkedServices: new Map(),
      datasets: new Map(),
      triggers: new Map(),
      globalParameters: {},
      loadErrors: [],
    } as unknown as Parameters<typeof validateFactory>[0];
    const notUpstream = (reader: string, read: string) =>
      `pipeline/P.json: activity "${reader}": "@{activity('${read}').output}": activity('${read}') is not upstream of "${reader}" (only activities it depends on, directly or through others, or that its container depends on, can be referenced)`;
    expect(validateFactory(factory).sort()).toEqual(
      [
        notUpstream("A", "A"),
        notUpstream("D", "B"),
        notUpstream("E", "C"),
        notUpstream("Inner3", "D"),
      ].sort(),
    );
  });
});
