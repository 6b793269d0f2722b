/**
 * The real-time path's host: a Function App on the Flex Consumption plan (Linux Consumption is
 * being retired), with its own storage account (no HNS) used only for the host, the Event Hubs
 * checkpoints and the deployment package, and identity-based app settings: no key or
 * connection string anywhere (the setting names are the contract of docs/functions.md).
 */
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";

import { DEFAULT_OPERATOR_ROLE, PRIVACY_SETTINGS } from "../../functions/src/core/privacy-access";
import type { C360Config } from "../config";
import { type Placement, privateEndpoint, type PrivateLinkTarget } from "../shared";
import { secureStorageAccount } from "./storage";
import { CONSUMER_GROUPS } from "./streaming";

export const DEPLOYMENT_CONTAINER = "deployments";
/** Node 22 LTS (Node 20 reached end of life on 2026-04-30); functions/package.json requires the same. */
export const NODE_VERSION = "22";
/** The storage queue that starts the batch traits sync (ADF enqueues, the applyProfileTraits trigger consumes). */
export const TRAITS_SYNC_QUEUE = "traits-sync";

export interface FunctionsArgs {
  placement: Placement;
  appName: pulumi.Input<string>;
  planName: pulumi.Input<string>;
  storageAccountName: pulumi.Input<string>;
  config: Pick<C360Config, "functions" | "storageRedundancy" | "privateNetworking" | "environment">;
  eventHubsNamespace: pulumi.Input<string>;
  cosmosEndpoint: pulumi.Input<string>;
  cosmosDatabase: string;
  cosmosProfilesContainer: string;
  cosmosIdentityIndexContainer: string;
  profileChangesHub: string;
  lakeBlobEndpoint: pulumi.Input<string>;
  appInsightsConnectionString: pulumi.Input<string>;
  /** Entra ID tenant of App Service authentication (the privacy operators' sign-in). */
  tenantId: pulumi.Input<string>;
  subnetId?: pulumi.Input<string>;
  privateLink?: PrivateLinkTarget;
}

/** The app settings, built from the endpoints the component was given. */
export function functionAppSettings(args: {
  environment: string;
  hostStorageAccountName: pulumi.Input<string>;
  eventHubsNamespace: pulumi.Input<string>;
  cosmosEndpoint: pulumi.Input<string>;
  cosmosDatabase: string;
  cosmosProfilesContainer: string;
  cosmosIdentityIndexContainer: string;
  profileChangesHub: string;
  lakeBlobEndpoint: pulumi.Input<string>;
  appInsightsConnectionString: pulumi.Input<string>;
}): { name: string; value: pulumi.Input<string> }[] {
  return [
    { name: "AzureWebJobsStorage__accountName", value: args.hostStorageAccountName },
    { name: "EventHubs__fullyQualifiedNamespace", value: args.eventHubsNamespace },
    { name: "EventHubs__consumerGroup", value: CONSUMER_GROUPS.functions },
    { name: "CosmosDb__accountEndpoint", value: args.cosmosEndpoint },
    { name: "CosmosDb__databaseName", value: args.cosmosDatabase },
    { name: "CosmosDb__profilesContainer", value: args.cosmosProfilesContainer },
    { name: "CosmosDb__identityIndexContainer", value: args.cosmosIdentityIndexContainer },
    { name: "ProfileChanges__eventHubName", value: args.profileChangesHub },
    { name: "TraitsSync__queueName", value: TRAITS_SYNC_QUEUE },
    {
      name: "Lake__blobServiceUri",
      value: pulumi.output(args.lakeBlobEndpoint).apply((u) => u.replace(/\/$/, "")),
    },
    // The connection string only locates the resource; with local auth disabled on
    // Application Insights, ingestion is authenticated with the app's Entra ID identity.
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: args.appInsightsConnectionString },
    { name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", value: "Authorization=AAD" },
    { name: "C360_ENVIRONMENT", value: args.environment },
    // The app role erase and export require (functions/src/core/privacy-access.ts); the principal comes from
    // App Service authentication's x-ms-client-principal header (the default of Privacy__principalHeader).
    { name: PRIVACY_SETTINGS.operatorRole, value: DEFAULT_OPERATOR_ROLE },
  ];
}

export class FunctionsComponent extends pulumi.ComponentResource {
  readonly appId: pulumi.Output<string>;
  readonly appName: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly baseUrl: pulumi.Output<string>;
  readonly hostStorageAccountId: pulumi.Output<string>;
  readonly hostStorageAccountName: pulumi.Output<string>;
  /** The traits-sync queue's resource id (ADF's send grant) and Put Message URL (ADF's global parameter). */
  readonly traitsSyncQueueId: pulumi.Output<string>;
  readonly traitsSyncQueueUrl: pulumi.Output<string>;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:functions:Functions", name, {}, opts);
    const { placement, config } = args;
    const common = {
      resourceGroupName: placement.resourceGroupName,
      location: placement.location,
      tags: placement.tags,
    };

    const hostStorage = secureStorageAccount(
      `${name}-storage`,
      {
        placement,
        accountName: args.storageAccountName,
        role: "functions-host",
        redundancy: config.storageRedundancy,
        hierarchicalNamespace: false,
        networkMode: config.privateNetworking ? "private" : "open",
      },
      this,
    );
    const deployments = new storage.BlobContainer(
      `${name}-deployments`,
      {
        resourceGroupName: placement.resourceGroupName,
        accountName: hostStorage.name,
        containerName: DEPLOYMENT_CONTAINER,
        publicAccess: "None",
      },
      { parent: this },
    );

    const traitsSync = new storage.Queue(
      `${name}-${TRAITS_SYNC_QUEUE}`,
      {
        resourceGroupName: placement.resourceGroupName,
        accountName: hostStorage.name,
        queueName: TRAITS_SYNC_QUEUE,
      },
      { parent: this },
    );

    const plan = new web.AppServicePlan(
      `${name}-plan`,
      {
        ...common,
        name: args.planName,
        kind: "functionapp",
        reserved: true,
        sku: { name: "FC1", tier: "FlexConsumption" },
        // Flex Consumption spreads instances over availability zones when asked (CKV_AZURE_225); prod only.
        zoneRedundant: config.environment === "prod",
      },
      { parent: this },
    );

    const app = new web.WebApp(
      `${name}-app`,
      {
        ...common,
        name: args.appName,
        kind: "functionapp,linux",
        serverFarmId: plan.id,
        httpsOnly: true,
        identity: { type: "SystemAssigned" },
        publicNetworkAccess: "Enabled",
        virtualNetworkSubnetId: args.subnetId,
        functionAppConfig: {
          deployment: {
            storage: {
              type: "blobContainer",
              value: pulumi.interpolate`${hostStorage.primaryEndpoints.blob}${DEPLOYMENT_CONTAINER}`,
              authentication: { type: "SystemAssignedIdentity" },
            },
          },
          runtime: { name: "node", version: NODE_VERSION },
          scaleAndConcurrency: {
            maximumInstanceCount: config.functions.maximumInstanceCount,
            instanceMemoryMB: config.functions.instanceMemoryMB,
          },
        },
        siteConfig: {
          minTlsVersion: "1.2",
          scmMinTlsVersion: "1.2",
          ftpsState: "Disabled",
          http20Enabled: true,
          remoteDebuggingEnabled: false,
          cors: { allowedOrigins: config.functions.corsOrigins, supportCredentials: false },
          appSettings: functionAppSettings({
            environment: config.environment,
            hostStorageAccountName: hostStorage.name,
            eventHubsNamespace: args.eventHubsNamespace,
            cosmosEndpoint: args.cosmosEndpoint,
            cosmosDatabase: args.cosmosDatabase,
            cosmosProfilesContainer: args.cosmosProfilesContainer,
            cosmosIdentityIndexContainer: args.cosmosIdentityIndexContainer,
            profileChangesHub: args.profileChangesHub,
            lakeBlobEndpoint: args.lakeBlobEndpoint,
            appInsightsConnectionString: args.appInsightsConnectionString,
          }),
        },
      },
      { parent: this, dependsOn: [deployments] },
    );

    // App Service authentication with Entra ID: it validates a bearer token when one is sent and passes the
    // signed-in principal (x-ms-client-principal) to the app, which lets only privacy operators erase or export.
    // Anonymous requests still reach the app, so the other endpoints keep their function keys; without this
    // resource the app refuses every privacy request in Azure (WEBSITE_AUTH_ENABLED is not set).
    const clientId = config.functions.privacyAuthClientId;
    if (clientId) {
      new web.WebAppAuthSettingsV2(
        `${name}-auth`,
        {
          resourceGroupName: placement.resourceGroupName,
          name: app.name,
          platform: { enabled: true },
          globalValidation: { requireAuthentication: false, unauthenticatedClientAction: "AllowAnonymous" },
          httpSettings: { requireHttps: true },
          login: { tokenStore: { enabled: false } },
          identityProviders: {
            azureActiveDirectory: {
              enabled: true,
              registration: {
                clientId,
                openIdIssuer: pulumi.interpolate`https://login.microsoftonline.com/${args.tenantId}/v2.0`,
              },
              validation: { allowedAudiences: [`api://${clientId}`, clientId] },
            },
          },
        },
        { parent: this },
      );
    }

    // Basic (user/password) publishing credentials off for FTP and SCM: deploy with Entra ID.
    new web.WebAppFtpAllowed(
      `${name}-ftp-basic-auth`,
      { resourceGroupName: placement.resourceGroupName, name: app.name, allow: false },
      { parent: this },
    );
    new web.WebAppScmAllowed(
      `${name}-scm-basic-auth`,
      { resourceGroupName: placement.resourceGroupName, name: app.name, allow: false },
      { parent: this },
    );

    if (args.privateLink) {
      for (const group of ["blob", "queue", "table"] as const) {
        privateEndpoint(
          `${name}-pe-${group}`,
          { placement, target: args.privateLink, resourceId: hostStorage.id, group },
          this,
        );
      }
    }

    this.appId = app.id;
    this.appName = app.name;
    this.principalId = app.identity.apply((i) => i?.principalId ?? "");
    this.baseUrl = pulumi.interpolate`https://${app.defaultHostName}/api`;
    this.hostStorageAccountId = hostStorage.id;
    this.hostStorageAccountName = hostStorage.name;
    this.traitsSyncQueueId = traitsSync.id;
    this.traitsSyncQueueUrl = pulumi.interpolate`${hostStorage.primaryEndpoints.queue}${TRAITS_SYNC_QUEUE}/messages`;
    this.registerOutputs({ appId: this.appId, baseUrl: this.baseUrl, principalId: this.principalId });
  }
}
