/** `c360 adf validate` and `c360 adf run`: the Data Factory definitions, checked and executed locally. */
import type { Command } from "commander";

import { localLakeDir } from "../contracts";
import { defaultAdfDir, loadFactory } from "./definitions";
import { type DeployedFactory, deployedFactory } from "./deployed";
import type { PipelineRun } from "./executor";
import { runAdfLocally } from "./local-wiring";
import { validateFactory } from "./validate";

export function registerOrchestration(program: Command): void {
  const adf = program
    .command("adf")
    .description("Data Factory definitions in adf/: validate them, run them locally");
  adf
    .command("validate")
    .description("check references, dependency graphs, parameters, triggers and expressions")
    .option("--dir <dir>", "ADF Git folder", defaultAdfDir())
    .action((opts: { dir: string }) => {
      const factory = loadFactory(opts.dir);
      const problems = validateFactory(factory);
      const counts = `${factory.pipelines.size} pipelines, ${factory.linkedServices.size} linked services, ${factory.datasets.size} datasets, ${factory.triggers.size} triggers`;
      if (problems.length === 0) {
        console.log(`adf: OK (${counts})`);
        return;
      }
      console.error(`adf: ${problems.length} problem(s) in ${opts.dir} (${counts}):`);
      for (const p of problems) console.error(`  - ${p}`);
      process.exitCode = 1;
    });
  adf
    .command("run")
    .description("run a pipeline locally (DatabricksNotebook activities run the models on DuckDB)")
    .argument("[pipeline]", "pipeline name", "P_C360_Master")
    .option("-p, --param <name=value...>", "pipeline parameter", [])
    .option("--lake <dir>", "local lake directory", localLakeDir())
    .option("--dir <dir>", "ADF Git folder", defaultAdfDir())
    .option(
      "--stack <name>",
      "run the factory as the Pulumi program deploys it for this stack (its global parameters, linked services and triggers, from the program under mocks) instead of adf/ with local values",
    )
    .action(
      async (pipeline: string, opts: { param: string[]; lake: string; dir: string; stack?: string }) => {
        const parameters: Record<string, string> = {};
        for (const kv of opts.param) {
          const i = kv.indexOf("=");
          if (i < 1) throw new Error(`--param expects name=value, got "${kv}"`);
          parameters[kv.slice(0, i)] = kv.slice(i + 1);
        }
        const deployment = opts.stack ? await deployedConfiguration(opts.stack) : undefined;
        if (deployment)
          console.log(`adf: the ${opts.stack} stack's deployed factory ${deployment.factoryName}`);
        const { run } = await runAdfLocally({
          lakeDir: opts.lake,
          pipeline,
          parameters,
          factory: deployment?.factory ?? loadFactory(opts.dir),
          globalParameters: deployment?.globalParameters,
          onEvent: (e) => {
            if (e.type === "activity-end")
              console.log(
                `${"  ".repeat(e.depth)}${e.run.pipelineName} / ${e.run.activityName}: ${e.run.status}` +
                  (e.run.attempts > 1 ? ` after ${e.run.attempts} attempts` : "") +
                  (e.run.status === "Failed" && e.run.error
                    ? ` — ${e.run.error.message.split("\n")[0]}`
                    : ""),
              );
          },
        });
        printRun(run);
        if (run.status !== "Succeeded") process.exitCode = 1;
      },
    );
}

/** The stack's factory as deployed: the Pulumi program under its mocks (loaded only when asked for). */
async function deployedConfiguration(stack: string): Promise<DeployedFactory> {
  const { planStack } = await import("../infra/plan");
  return deployedFactory((await planStack(stack)).resources);
}

function printRun(run: PipelineRun): void {
  console.log(`${run.pipelineName} ${run.runId}: ${run.status} in ${(run.durationMs / 1000).toFixed(1)} s`);
  if (run.error) console.log(`  error: ${run.error.message}`);
}
