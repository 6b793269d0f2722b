import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { WebRequest } from "../../orchestration/executor";
import {
  layerNotebookRunner,
  localDatasetProbe,
  localGlobals,
  localWebHandler,
  type RecordedAlert,
} from "../../orchestration/local-wiring";
import type { LayerSummary } from "../../pipeline";
import { writeDay1 } from "../pipeline/fixture";

const req = (method: string, url: string, body: string | null = null): WebRequest => ({
  method,
  url,
  headers: {},
  body,
  pipelineName: "P",
  pipelineRunId: "r1",
  activityName: "A",
});

describe("local wiring of the executor", () => {
  let lake: string;
  beforeEach(() => (lake = mkdtempSync(join(tmpdir(), "c360-wiring-"))));
  afterEach(() => rmSync(lake, { recursive: true, force: true }));

  it("blob PUTs under the lake endpoint become files; nothing escapes the lake directory", async () => {
    const globals = localGlobals("test");
    const web = localWebHandler(lake, globals, []);
    const res = await web(
      req("PUT", `${globals.lakeBlobEndpoint}control/runs/P/r1.json`, '{"status":"Succeeded"}'),
    );
    expect(res).toEqual({ status: 201, body: { path: "control/runs/P/r1.json" } });
    expect(readFileSync(join(lake, "control/runs/P/r1.json"), "utf8")).toBe('{"status":"Succeeded"}');
    expect((await web(req("PUT", `${globals.lakeBlobEndpoint}../../etc/x.json`, "x"))).status).toBe(400);
    expect(existsSync(join(lake, "..", "..", "etc", "x.json"))).toBe(false);
    expect((await web(req("GET", `${globals.lakeBlobEndpoint}control/runs/P/r1.json`))).status).toBe(405);
    expect((await web(req("POST", "https://elsewhere.example/hook", "{}"))).status).toBe(404);
  });

  it("local runs get the deployed global values: no alert webhook unless one is given", () => {
    expect(localGlobals().alertWebhookUrl).toBe("");
    expect(localGlobals("dev", "https://hooks.example/c360").alertWebhookUrl).toBe(
      "https://hooks.example/c360",
    );
  });

  it("alerts to a configured webhook are recorded and appended to control/alerts/alerts.jsonl", async () => {
    const globals = localGlobals("test", "https://hooks.example/c360");
    const alerts: RecordedAlert[] = [];
    const web = localWebHandler(lake, globals, alerts);
    expect((await web(req("POST", String(globals.alertWebhookUrl), '{"severity":"error"}'))).status).toBe(
      202,
    );
    expect((await web(req("POST", String(globals.alertWebhookUrl), "not json"))).status).toBe(202);
    expect(alerts.map((a) => a.body)).toEqual([{ severity: "error" }, "not json"]);
    const lines = readFileSync(join(lake, "control/alerts/alerts.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).body)).toEqual([{ severity: "error" }, "not json"]);
  });

  it("the dataset probe looks at <zone>/<folder> in the lake", async () => {
    const probe = localDatasetProbe(lake);
    const ls = { name: "Ls", type: "AzureBlobFS", typeProperties: {} };
    const at = (fileSystem: string, folderPath: string) => ({
      dataset: "Ds",
      datasetType: "Binary",
      location: { type: "AzureBlobFSLocation", fileSystem, folderPath },
      linkedService: ls,
    });
    expect(await probe(at("gold", "customer_360"))).toEqual({ exists: false });
    mkdirSync(join(lake, "gold", "customer_360"), { recursive: true });
    expect(await probe(at("gold", "customer_360"))).toEqual({ exists: true, childItems: 0 });
    writeFileSync(join(lake, "gold", "customer_360", "part-00000.parquet"), "x");
    expect(await probe(at("gold", "customer_360"))).toEqual({ exists: true, childItems: 1 });
    expect(await probe(at("..", ".."))).toEqual({ exists: false });
  });

  it("only the three layer notebooks have a local runner", async () => {
    const run = layerNotebookRunner(lake);
    await expect(
      run({
        notebookPath: "/c360/notebooks/platinum",
        baseParameters: {},
        linkedService: { name: "Ls", type: "AzureDatabricks", typeProperties: {} },
        pipelineName: "P",
        pipelineRunId: "r",
        activityName: "A",
        attempt: 1,
      }),
    ).rejects.toThrow("no local runner for notebook /c360/notebooks/platinum");
  });

  it("runs a layer notebook in a process of its own when asked to, as a Databricks job task runs", async () => {
    const request = {
      notebookPath: "/c360/notebooks/bronze",
      baseParameters: { load_id: "L1", window_end: "2025-03-02" },
      linkedService: { name: "Ls", type: "AzureDatabricks", typeProperties: {} },
      pipelineName: "P",
      pipelineRunId: "r",
      activityName: "A",
      attempt: 1,
    };
    writeDay1(lake);
    const layers: LayerSummary[] = [];
    await layerNotebookRunner(lake, { onLayer: (s) => layers.push(s) })(request);
    await layerNotebookRunner(lake, { onLayer: (s) => layers.push(s), isolate: true })(request);
    expect(layers.map((l) => [l.layer, l.loadId, l.status])).toEqual([
      ["bronze", "L1", "succeeded"],
      ["bronze", "L1", "succeeded"],
    ]);
    // The second run is a rerun of the same load: nothing new is written, and the table it reports is the same.
    const rows = (l: LayerSummary) => l.models.map((m) => [m.model, m.rowsOut, m.rowsWritten]);
    expect(rows(layers[0]!)[0]).toEqual(["bronze.events", expect.any(Number), expect.any(Number)]);
    expect(rows(layers[0]!)[0]![1]).toBeGreaterThan(0);
    expect(rows(layers[1]!)).toEqual(rows(layers[0]!).map(([model, rowsOut]) => [model, rowsOut, 0]));
    expect(layers[0]!.process).toBeUndefined();
    expect(layers[1]!.process!.peakRssMb).toBeGreaterThan(0);
  }, 60_000);
});
