/**
 * Deployed-configuration runs: the Pulumi program runs under mocks with a stack's Pulumi.<stack>.yaml
 * (planStack), the factory it registers is rebuilt (orchestration/deployed.ts) and the local executor
 * runs P_C360_Master with exactly those global parameters, linked services, datasets, pipelines and
 * triggers, the notebooks on DuckDB over generated landing data. One stack per test file: Pulumi's
 * runtime is global to a process.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { PersonExportManifest } from "../../contracts";
import { generate } from "../../generator";
import { type PlanResult, planStack } from "../../infra/plan";
import { loadFactory } from "../../orchestration/definitions";
import { type DeployedFactory, deployedFactory } from "../../orchestration/deployed";
import { flattenRuns } from "../../orchestration/executor";
import { type LocalRunResult, runAdfLocally } from "../../orchestration/local-wiring";

const get = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

export function deployedConfigurationSuite(stack: "dev" | "prod"): void {
  describe(`P_C360_Master with the ${stack} stack's deployed configuration`, () => {
    let plan: PlanResult;
    let deployed: DeployedFactory;
    let dir: string;
    let result: LocalRunResult;
    let exportedCustomer: string;
    const committed = loadFactory();

    beforeAll(async () => {
      plan = await planStack(stack);
      deployed = deployedFactory(plan.resources);
      dir = mkdtempSync(join(tmpdir(), `c360-deployed-${stack}-`));
      await generate({
        out: join(dir, "gen"),
        lakeDir: join(dir, "lake"),
        seed: 5,
        events: 800,
        days: 3,
        startDate: "2026-11-01",
        landingAll: true,
      });
      // A person export request, as POST /api/customers/{id}/export records it: the master's export step answers it.
      exportedCustomer = firstProfileId(join(dir, "lake"));
      mkdirSync(join(dir, "lake", "control", "exports", "job-deployed"), { recursive: true });
      writeFileSync(
        join(dir, "lake", "control", "exports", "job-deployed", "request.json"),
        JSON.stringify({
          jobId: "job-deployed",
          customerId: exportedCustomer,
          requestedAt: "2026-11-04T00:00:00Z",
        }),
      );
      result = await runAdfLocally({
        lakeDir: join(dir, "lake"),
        factory: deployed.factory,
        globalParameters: deployed.globalParameters,
        parameters: { windowStart: "", windowEnd: "" },
        timeScale: 0,
      });
    }, 180_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("the global parameters are the program's values for the stack, the alert webhook empty", () => {
      expect(deployed.globalParameters).toEqual({
        environment: stack,
        databricksWorkspaceUrl: plan.outputs.databricksWorkspaceUrl,
        databricksWorkspaceResourceId: expect.stringContaining("Workspace"),
        lakeBlobEndpoint: `https://${String(plan.outputs.lakeAccountName)}.blob.core.windows.net/`,
        lakeDfsEndpoint: plan.outputs.lakeDfsEndpoint,
        alertWebhookUrl: "",
        traitsSyncQueueUrl: expect.stringMatching(
          /^https:\/\/[a-z0-9]+\.queue\.core\.windows\.net\/traits-sync\/messages$/,
        ),
      });
    });

    it("pipelines and datasets are deployed exactly as committed; triggers get the stack's window start", () => {
      expect([...deployed.factory.pipelines.keys()].sort()).toEqual([...committed.pipelines.keys()].sort());
      for (const [name, p] of committed.pipelines) expect(deployed.factory.pipelines.get(name)).toEqual(p);
      for (const [name, d] of committed.datasets) expect(deployed.factory.datasets.get(name)).toEqual(d);
      for (const [name, t] of committed.triggers) {
        const { runtimeState: _r, ...envelope } = t.properties as typeof t.properties & {
          runtimeState?: string;
        };
        const isTumbling = t.properties.type === "TumblingWindowTrigger";
        expect(deployed.factory.triggers.get(name)!.properties).toEqual({
          ...envelope,
          typeProperties: {
            ...t.properties.typeProperties,
            ...(isTumbling ? { startTime: plan.config.dataFactory.windowStartTime } : {}),
          },
        });
      }
    });

    it("Data Factory's clusters get the job's Unity Catalog access mode, cluster policy and sizing", () => {
      const job = plan.resources.find((r) => r.type === "databricks:index/job:Job")!;
      const policy = plan.resources.find((r) => r.type === "databricks:index/clusterPolicy:ClusterPolicy")!;
      const jobCluster = get(job.inputs, "jobClusters.0.newCluster") as Record<string, unknown>;
      expect(jobCluster.policyId).toBe(policy.id);
      const ls = deployed.factory.linkedServices.get("Ls_AzureDatabricks")!.properties.typeProperties!;
      expect(ls).toMatchObject({
        dataSecurityMode: jobCluster.dataSecurityMode,
        policyId: jobCluster.policyId,
        newClusterVersion: jobCluster.sparkVersion,
        newClusterNodeType: jobCluster.nodeTypeId,
        newClusterDriverNodeType: jobCluster.driverNodeTypeId,
        newClusterNumOfWorker: `${String(get(jobCluster, "autoscale.minWorkers"))}:${String(get(jobCluster, "autoscale.maxWorkers"))}`,
      });
      expect(get(ls, "newClusterSparkConf")).toMatchObject(jobCluster.sparkConf as object);
    });

    it("a successful medallion run succeeds", () => {
      expect(result.run.error).toBeUndefined();
      expect(result.run.status).toBe("Succeeded");
      expect(result.layers.map((l) => [l.layer, l.status])).toEqual([
        ["bronze", "succeeded"],
        ["silver", "succeeded"],
        ["gold", "succeeded"],
      ]);
      const statuses = Object.fromEntries(result.run.activityRuns.map((a) => [a.activityName, a.status]));
      expect(statuses).toMatchObject({
        Publish_Run_Record: "Succeeded",
        Notify_Success: "Succeeded",
        Fail_Run: "Skipped",
      });
      expect(result.alerts).toEqual([]);
      expect(
        flattenRuns(result.run)
          .filter((a) => a.activityType === "WebActivity" && a.status !== "Skipped")
          .map((a) => (a.input as { url: string }).url),
      ).toEqual([
        // the traits sync is enqueued on the deployed queue (kept locally under control/traits-sync/queue/)
        String(deployed.globalParameters.traitsSyncQueueUrl),
        `${String(deployed.globalParameters.lakeBlobEndpoint)}control/runs/P_C360_Master/${result.run.runId}.json`,
      ]);
      expect(
        readFileSync(join(dir, "lake", "control", "traits-sync", "queue", "messages.jsonl"), "utf8"),
      ).toBe(`{"loadId":"${result.run.runId}"}\n`);
      const record = JSON.parse(
        readFileSync(
          join(dir, "lake", "control", "runs", "P_C360_Master", `${result.run.runId}.json`),
          "utf8",
        ),
      );
      expect(record).toMatchObject({ status: "Succeeded", environment: stack, loadId: result.run.runId });
      expect(existsSync(join(dir, "lake", "gold", "customer_360"))).toBe(true);
      expect(readdirSync(join(dir, "lake", "gold", "customer_360")).length).toBeGreaterThan(0);
    });

    it("every notebook ran with the stack's environment and the deployed linked service", () => {
      expect(result.notebooks.map((n) => n.notebookPath)).toEqual([
        "/c360/notebooks/bronze",
        "/c360/notebooks/silver",
        "/c360/notebooks/gold",
        "/c360/notebooks/export",
      ]);
      for (const n of result.notebooks) {
        expect(n.baseParameters).toMatchObject(
          n.notebookPath === "/c360/notebooks/export"
            ? { load_id: result.run.runId }
            : { environment: stack, load_id: result.run.runId },
        );
        expect(n.linkedService.typeProperties).toMatchObject({
          domain: deployed.globalParameters.databricksWorkspaceUrl,
          workspaceResourceId: deployed.globalParameters.databricksWorkspaceResourceId,
          authentication: "MSI",
          dataSecurityMode: "SINGLE_USER",
        });
      }
    });

    it("the person export step answered the pending request after gold, as of this load", () => {
      const folder = join(dir, "lake", "control", "exports", "job-deployed");
      const manifest = JSON.parse(
        readFileSync(join(folder, "manifest.json"), "utf8"),
      ) as PersonExportManifest;
      expect(manifest).toMatchObject({
        jobId: "job-deployed",
        customerId: exportedCustomer,
        status: "complete",
        engine: "duckdb",
        loadId: result.run.runId,
      });
      expect(manifest.sourceIds).toContain(exportedCustomer);
      expect(manifest.stores["gold.customer_360"]!.rows).toBe(1);
      expect(manifest.stores["bronze.events"]!.rows).toBeGreaterThan(0);
      expect(manifest.stores["silver.customers"]!.rows).toBeGreaterThan(0);
      const gold = readFileSync(join(folder, manifest.stores["gold.customer_360"]!.file!), "utf8");
      expect(manifest.sourceIds).toContain((JSON.parse(gold) as { customer_key: string }).customer_key);
    });
  });
}

/** The customer id of the first profile line the generator landed. */
function firstProfileId(lakeDir: string): string {
  const root = join(lakeDir, "landing", "crm", "customer_profile");
  const day = readdirSync(root).sort()[0]!;
  const file = readdirSync(join(root, day))
    .filter((f) => f.endsWith(".jsonl"))
    .sort()[0]!;
  for (const line of readFileSync(join(root, day, file), "utf8").split("\n")) {
    try {
      const id = (JSON.parse(line) as { customerId?: unknown }).customerId;
      if (typeof id === "string" && id !== "") return id;
    } catch {
      // a defect line of the generator
    }
  }
  throw new Error(`no profile line in ${file}`);
}
