/**
 * App Service authentication for the privacy endpoints (docs/infra.md "Privacy operators"): with
 * c360:functionsPrivacyAuthClientId set, the Function App validates Entra ID tokens of that app registration and
 * passes the principal to the app; requests without a token still reach the other (function-key) endpoints.
 */
import * as pulumi from "@pulumi/pulumi";

import { DEFAULT_OPERATOR_ROLE, PRIVACY_SETTINGS } from "../../functions/src/core/privacy-access";
import { parseConfig } from "../../infra/config";
import { MOCK_TENANT_ID, platformMocks, type RecordedResource } from "../../infra/mocks";
import { valueAt } from "../../infra/plan";
import { readStackConfig, REPO_ROOT } from "../../infra/stack-file";

const CLIENT_ID = "0b5e1a52-7c4f-4a63-9b0e-3d2f6c8a9e11";
const recorded: RecordedResource[] = [];

beforeAll(async () => {
  const config = parseConfig({ ...readStackConfig("dev"), functionsPrivacyAuthClientId: CLIENT_ID });
  await pulumi.runtime.setMocks(platformMocks(recorded), "c360", "dev", false);
  const { createPlatform } = await import("../../infra/program");
  createPlatform(config, { repoRoot: REPO_ROOT });
  await pulumi.runtime.disconnect();
}, 120_000);

test("Entra ID authentication on the Function App, optional for the app, with the app registration and tenant", () => {
  const auth = recorded.filter((r) => r.type === "azure-native:web:WebAppAuthSettingsV2");
  expect(auth).toHaveLength(1);
  const at = (path: string) => valueAt(auth[0]!.inputs, path);
  expect(at("platform.enabled")).toBe(true);
  expect(at("globalValidation")).toEqual({
    requireAuthentication: false,
    unauthenticatedClientAction: "AllowAnonymous",
  });
  expect(at("identityProviders.azureActiveDirectory.registration")).toEqual({
    clientId: CLIENT_ID,
    openIdIssuer: `https://login.microsoftonline.com/${MOCK_TENANT_ID}/v2.0`,
  });
  expect(at("identityProviders.azureActiveDirectory.validation.allowedAudiences")).toEqual([
    `api://${CLIENT_ID}`,
    CLIENT_ID,
  ]);
  const app = recorded.find((r) => r.type === "azure-native:web:WebApp")!;
  expect(at("name")).toBe(valueAt(app.inputs, "name"));
  const settings = valueAt(app.inputs, "siteConfig.appSettings") as { name: string; value: string }[];
  expect(settings).toContainEqual({ name: PRIVACY_SETTINGS.operatorRole, value: DEFAULT_OPERATOR_ROLE });
});

test("the client id must be an application id", () => {
  expect(() => parseConfig({ ...readStackConfig("dev"), functionsPrivacyAuthClientId: "c360-api" })).toThrow(
    /c360:functionsPrivacyAuthClientId: "c360-api" is not an application \(client\) id/,
  );
});
