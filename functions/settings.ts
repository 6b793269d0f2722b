/**
 * Writes functions/local.settings.json (git-ignored) from local.settings.template.json, filling
 * `${VAR}` from the environment (C360_* as printed by the local services) with emulator defaults.
 *
 *   npx tsx functions/settings.ts            # defaults: Azurite dev storage, the Cosmos emulator
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { COSMOS_EMULATOR_ENDPOINT, COSMOS_EMULATOR_KEY } from "../local/services";

const DEFAULTS: Record<string, string> = {
  C360_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
  C360_COSMOS_ENDPOINT: COSMOS_EMULATOR_ENDPOINT,
  C360_COSMOS_KEY: COSMOS_EMULATOR_KEY,
  // The Event Hubs emulator (Docker) connection string; point it at a real namespace's instead if you have one.
  C360_EVENTHUBS_CONNECTION_STRING:
    "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
};

export function renderLocalSettings(template: string, env: NodeJS.ProcessEnv = process.env): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = env[name] ?? DEFAULTS[name];
    if (value === undefined) throw new Error(`no value for \${${name}}`);
    return JSON.stringify(value).slice(1, -1);
  });
}

if (require.main === module) {
  const dir = __dirname;
  const rendered = renderLocalSettings(readFileSync(join(dir, "local.settings.template.json"), "utf8"));
  JSON.parse(rendered);
  writeFileSync(join(dir, "local.settings.json"), rendered);
  console.log(`wrote ${join(dir, "local.settings.json")}`);
}
