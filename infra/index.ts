/** Pulumi entry point: reads the stack config once, builds the platform, exports what users need. */
import { join } from "node:path";

import { loadConfig } from "./config";
import { createPlatform } from "./program";

const platform = createPlatform(loadConfig(), { repoRoot: join(__dirname, "..") });

export const resourceGroupName = platform.resourceGroupName;
export const lakeAccountName = platform.lakeAccountName;
export const lakeDfsEndpoint = platform.lakeDfsEndpoint;
export const eventHubsNamespace = platform.eventHubsNamespace;
export const eventHubNames = platform.eventHubNames;
export const cosmosEndpoint = platform.cosmosEndpoint;
export const cosmosDatabase = platform.cosmosDatabase;
export const functionAppName = platform.functionAppName;
export const functionBaseUrl = platform.functionBaseUrl;
export const dataFactoryName = platform.dataFactoryName;
export const dataFactoryId = platform.dataFactoryId;
export const dataFactoryPipelines = platform.dataFactoryPipelines;
export const databricksWorkspaceUrl = platform.databricksWorkspaceUrl;
export const databricksJobId = platform.databricksJobId;
export const keyVaultUri = platform.keyVaultUri;
export const appInsightsName = platform.appInsightsName;
export const alertRules = platform.alertRules;
