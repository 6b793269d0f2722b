/**
 * `npm run deploy -- --stack dev`: `pulumi up` through the Automation API (LocalWorkspace over this
 * repository's Pulumi.yaml) between Data Factory's pre- and post-deployment trigger steps
 * (deploy/deploy.ts). Needs the Pulumi CLI, `az login` (DefaultAzureCredential) and `pulumi login`.
 */
import { join } from "node:path";

import { DefaultAzureCredential } from "@azure/identity";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Command, CommanderError } from "commander";

import { loadAdfDefinitions } from "../infra/adf";
import { CONFIG_NAMESPACE, parseConfig, type RawConfig } from "../infra/config";
import { REPO_ROOT } from "../infra/stack-file";
import { deployWithTriggers, type TriggerDefinition } from "./deploy";
import { ARM_SCOPE, armTriggerApi } from "./factory-triggers";

export function deployCommand(): Command {
  return new Command("deploy")
    .description(
      "pulumi up with Data Factory's trigger steps: stop started triggers, update, start the configured ones",
    )
    .requiredOption("--stack <name>", "Pulumi stack to update (dev, prod)")
    .option(
      "--arm-endpoint <url>",
      "Azure Resource Manager endpoint",
      process.env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? "https://management.azure.com",
    )
    .showHelpAfterError()
    .exitOverride();
}

/** The committed triggers, with what the backfill check reads. */
export function committedTriggers(repoRoot = REPO_ROOT): TriggerDefinition[] {
  return loadAdfDefinitions(join(repoRoot, "adf")).triggers.map((t) => {
    const p = t.properties as { type: string; frequency?: unknown; interval?: unknown };
    return {
      name: t.name,
      type: p.type,
      frequency: typeof p.frequency === "string" ? p.frequency : undefined,
      interval: typeof p.interval === "number" ? p.interval : undefined,
    };
  });
}

async function main(argv: string[]): Promise<void> {
  const command = deployCommand();
  command.parse(argv, { from: "user" });
  const options = command.opts<{ stack: string; armEndpoint: string }>();

  const stack = await LocalWorkspace.selectStack({ stackName: options.stack, workDir: REPO_ROOT });
  // The config `pulumi up` will use, validated by the program's own parser.
  const raw: RawConfig = {};
  for (const [key, entry] of Object.entries(await stack.getAllConfig()))
    if (key.startsWith(`${CONFIG_NAMESPACE}:`)) raw[key.slice(CONFIG_NAMESPACE.length + 1)] = entry.value;
  const config = parseConfig(raw);
  const outputsBefore = await stack.outputs();
  const factoryIdBefore = outputsBefore.dataFactoryId?.value as string | undefined;

  const credential = new DefaultAzureCredential();
  const token = async () => {
    const t = await credential.getToken(ARM_SCOPE);
    if (!t) throw new Error(`no Entra ID token for ${ARM_SCOPE}`);
    return t.token;
  };
  const result = await deployWithTriggers({
    stack: options.stack,
    config,
    triggers: committedTriggers(),
    factoryIdBefore,
    up: async () => {
      const up = await stack.up({ onOutput: (out) => process.stdout.write(out) });
      const id = up.outputs.dataFactoryId?.value;
      if (typeof id !== "string") throw new Error("the stack has no dataFactoryId output");
      return { dataFactoryId: id };
    },
    triggerApi: (factoryId) => armTriggerApi({ endpoint: options.armEndpoint, factoryId, token }),
    log: (line) => console.log(`deploy: ${line}`),
  });
  console.log(
    `deploy: done; stopped ${result.stopped.join(", ") || "none"}, started ${result.started.join(", ") || "none"}`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (!(error instanceof CommanderError))
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof CommanderError ? error.exitCode : 1);
  });
}
