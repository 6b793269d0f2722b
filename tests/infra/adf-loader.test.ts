/** The ADF JSON → azure-native mapping: flattening, validation and ordering, on the real adf/ and on broken fixtures. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  flattenTypeProperties,
  loadAdfDefinitions,
  notebookPaths,
  pipelineCreationOrder,
} from "../../infra/adf";
import { REPO_ROOT } from "../../infra/stack-file";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "c360-adf-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(kind: string, name: string, properties: unknown): void {
  mkdirSync(join(dir, kind), { recursive: true });
  writeFileSync(join(dir, kind, `${name}.json`), JSON.stringify({ name, properties }));
}

const notebookActivity = (name: string, path: string, dependsOn: unknown[] = []) => ({
  name,
  type: "DatabricksNotebook",
  dependsOn,
  typeProperties: { notebookPath: path, baseParameters: { environment: "dev" } },
  linkedServiceName: { referenceName: "Ls_Dbx", type: "LinkedServiceReference" },
});

describe("flattenTypeProperties", () => {
  it("moves typeProperties into the parent at every depth and keeps the rest", () => {
    const flat = flattenTypeProperties({
      name: "If",
      type: "IfCondition",
      dependsOn: [{ activity: "A", dependencyConditions: ["Succeeded"] }],
      typeProperties: {
        expression: { value: "@true", type: "Expression" },
        ifTrueActivities: [{ name: "W", type: "Wait", typeProperties: { waitTimeInSeconds: 1 } }],
      },
    });
    expect(flat).toEqual({
      name: "If",
      type: "IfCondition",
      dependsOn: [{ activity: "A", dependencyConditions: ["Succeeded"] }],
      expression: { value: "@true", type: "Expression" },
      ifTrueActivities: [{ name: "W", type: "Wait", waitTimeInSeconds: 1 }],
    });
  });

  it("refuses a typeProperties member that would overwrite a property", () => {
    expect(() => flattenTypeProperties({ name: "A", type: "Wait", typeProperties: { name: "B" } })).toThrow(
      /typeProperties.name collides/,
    );
  });
});

describe("loadAdfDefinitions", () => {
  it("loads the committed factory: every pipeline, with master after the layers it calls", () => {
    const defs = loadAdfDefinitions(join(REPO_ROOT, "adf"));
    const order = pipelineCreationOrder(defs.pipelines).map((p) => p.name);
    const master = defs.pipelines.find((p) => p.name === "P_C360_Master");
    expect(master).toBeDefined();
    for (const called of master?.references.pipeline ?? [])
      expect(order.indexOf(called)).toBeLessThan(order.indexOf("P_C360_Master"));
    expect(notebookPaths(defs.pipelines)).toEqual([
      "/c360/notebooks/bronze",
      "/c360/notebooks/export",
      "/c360/notebooks/gold",
      "/c360/notebooks/silver",
    ]);
    expect(Object.keys(defs.globalParameters)).toEqual(
      expect.arrayContaining(["environment", "databricksWorkspaceUrl", "lakeDfsEndpoint"]),
    );
    for (const t of defs.triggers) expect(t.properties).not.toHaveProperty("runtimeState");
  });

  it("flattens a fixture pipeline and records what it references", () => {
    write("linkedService", "Ls_Dbx", {
      type: "AzureDatabricks",
      typeProperties: { domain: "@{linkedService().url}", authentication: "MSI" },
      parameters: { url: { type: "String" } },
    });
    write("pipeline", "P_A", { activities: [notebookActivity("Nb", "/c360/notebooks/bronze")] });
    write("pipeline", "P_Main", {
      activities: [
        {
          name: "Run",
          type: "ExecutePipeline",
          typeProperties: {
            pipeline: { referenceName: "P_A", type: "PipelineReference" },
            waitOnCompletion: true,
          },
        },
      ],
    });
    const defs = loadAdfDefinitions(dir);
    expect(defs.linkedServices[0].properties).toMatchObject({
      type: "AzureDatabricks",
      domain: "@{linkedService().url}",
      authentication: "MSI",
    });
    const main = defs.pipelines.find((p) => p.name === "P_Main");
    expect(main?.references.pipeline).toEqual(["P_A"]);
    expect(pipelineCreationOrder(defs.pipelines).map((p) => p.name)).toEqual(["P_A", "P_Main"]);
  });

  it.each([
    [
      "an unsupported activity type",
      () => write("pipeline", "P_X", { activities: [{ name: "S", type: "SqlServerStoredProcedure" }] }),
      /pipeline\/P_X.json: activity S has unsupported type SqlServerStoredProcedure/,
    ],
    [
      "an unknown linked service",
      () => write("pipeline", "P_X", { activities: [notebookActivity("Nb", "/x")] }),
      /P_X.json: references unknown linkedService Ls_Dbx/,
    ],
    [
      "a name that differs from the file",
      () => {
        write("pipeline", "P_X", { activities: [] });
        writeFileSync(
          join(dir, "pipeline", "P_Y.json"),
          JSON.stringify({ name: "P_Z", properties: { activities: [] } }),
        );
      },
      /P_Y.json: name P_Z does not match/,
    ],
    [
      "an unsupported trigger",
      () => write("trigger", "T_X", { type: "CustomEventsTrigger" }),
      /trigger\/T_X.json: trigger type CustomEventsTrigger is not supported/,
    ],
    [
      "a pipeline cycle",
      () => {
        const call = (target: string) => ({
          activities: [
            {
              name: "Run",
              type: "ExecutePipeline",
              typeProperties: { pipeline: { referenceName: target, type: "PipelineReference" } },
            },
          ],
        });
        write("pipeline", "P_A", call("P_B"));
        write("pipeline", "P_B", call("P_A"));
      },
      /cycle/,
    ],
  ])("rejects %s with the file name", (_label, setup, message) => {
    setup();
    expect(() => pipelineCreationOrder(loadAdfDefinitions(dir).pipelines)).toThrow(message);
  });
});
