/** local.settings.json is rendered from the committed template with the exact app-setting names. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { renderLocalSettings } from "../../functions/settings";
import { SETTINGS } from "../../functions/src/core/config";

const template = readFileSync(join(__dirname, "../../functions/local.settings.template.json"), "utf8");

test("renders every placeholder from the environment and escapes values as JSON", () => {
  const rendered = JSON.parse(
    renderLocalSettings(template, {
      C360_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true;"x"',
      C360_COSMOS_ENDPOINT: "https://127.0.0.1:9999/",
      C360_COSMOS_KEY: "k==",
      C360_EVENTHUBS_CONNECTION_STRING: "Endpoint=sb://h",
    }),
  ) as { Values: Record<string, string> };
  expect(rendered.Values[SETTINGS.cosmosEndpoint]).toBe("https://127.0.0.1:9999/");
  expect(rendered.Values[SETTINGS.cosmosKey]).toBe("k==");
  expect(rendered.Values[SETTINGS.lakeConnection]).toBe('UseDevelopmentStorage=true;"x"');
  expect(rendered.Values[SETTINGS.eventHubsConnection]).toBe("Endpoint=sb://h");
  expect(rendered.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true;"x"');
  expect(rendered.Values.FUNCTIONS_WORKER_RUNTIME).toBe("node");
});

test("defaults to the emulators when nothing is set", () => {
  const rendered = JSON.parse(renderLocalSettings(template, {})) as { Values: Record<string, string> };
  expect(rendered.Values[SETTINGS.lakeConnection]).toBe("UseDevelopmentStorage=true");
  expect(rendered.Values[SETTINGS.cosmosEndpoint]).toBe("https://localhost:8081/");
});

test("the template carries no secrets and no Azure-only identity settings (those win over local ones)", () => {
  expect(template).not.toMatch(/AccountKey=|SharedAccessKey=/);
  expect(template).not.toContain(SETTINGS.eventHubsNamespace);
  expect(template).not.toContain(SETTINGS.lakeUri);
});
