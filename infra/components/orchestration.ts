/**
 * Orchestration: a Data Factory with a system-assigned identity (the lake and queue linked services
 * authenticate with it) and a user-assigned one, the Databricks runner, that the Databricks linked
 * service authenticates with through an ADF credential (the clusters it creates run as that identity,
 * which the program registers in Databricks and grants in Unity Catalog); its global parameters set
 * per stack, and every linked service, dataset, pipeline and trigger loaded from `adf/` (see
 * ../adf.ts for the mapping).
 *
 * Triggers are created stopped (ARM never starts them): `npm run deploy` (deploy/) stops the started
 * ones before `pulumi up` and starts the ones the stack config names afterwards. The tumbling-window
 * triggers get their start time from the stack config here.
 */
import * as datafactory from "@pulumi/azure-native/datafactory";
import * as pulumi from "@pulumi/pulumi";

import type { AdfDefinitions, DatabricksClusterSettings } from "../adf";
import { checkStartedTriggers, pipelineCreationOrder, withStackCluster, withWindowStart } from "../adf";
import { type Placement, privateEndpoint, type PrivateLinkTarget } from "../shared";

/** The ADF credential (user-assigned managed identity) the Databricks linked service authenticates with. */
export const DATABRICKS_RUNNER_CREDENTIAL = "Cred_DatabricksRunner";

export interface OrchestrationArgs {
  placement: Placement;
  factoryName: pulumi.Input<string>;
  definitions: AdfDefinitions;
  /** Values of the factory's global parameters; every declared one must be given. */
  globalParameterValues: Record<string, pulumi.Input<string>>;
  /** This stack's job-cluster settings for AzureDatabricks linked services. */
  databricksCluster: DatabricksClusterSettings;
  /** ARM id of the user-assigned identity Data Factory's Databricks clusters run as. */
  databricksRunnerIdentityId: pulumi.Input<string>;
  /** Triggers: start of the tumbling windows, and which triggers the deploy command starts. */
  triggers: { windowStartTime: string; started: string[] };
  privateNetworking: boolean;
  privateLink?: PrivateLinkTarget;
}

export class OrchestrationComponent extends pulumi.ComponentResource {
  readonly factoryId: pulumi.Output<string>;
  readonly factoryName: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly pipelineNames: string[];
  readonly triggerNames: string[];

  constructor(name: string, args: OrchestrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:orchestration:Orchestration", name, {}, opts);
    const { placement, definitions } = args;

    checkStartedTriggers(
      args.triggers.started,
      definitions.triggers.map((t) => t.name),
    );

    const globalParameters: Record<string, { type: string; value: pulumi.Input<string> }> = {};
    for (const [parameter, type] of Object.entries(definitions.globalParameters)) {
      const value = args.globalParameterValues[parameter];
      if (value === undefined)
        throw new Error(
          `adf/factory declares global parameter ${parameter}, which the infra does not provide`,
        );
      globalParameters[parameter] = { type, value };
    }

    const factory = new datafactory.Factory(
      `${name}-factory`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: placement.location,
        tags: placement.tags,
        factoryName: args.factoryName,
        identity: {
          type: "SystemAssigned,UserAssigned",
          userAssignedIdentities: pulumi
            .output(args.databricksRunnerIdentityId)
            .apply((id) => ({ [id]: {} })),
        },
        globalParameters,
        // Private stacks: ADF Studio and integration-runtime traffic through the private endpoint
        // (CKV_AZURE_104); pipelines still run on the Azure integration runtime.
        publicNetworkAccess: args.privateNetworking ? "Disabled" : "Enabled",
      },
      { parent: this },
    );
    const common = { resourceGroupName: placement.resourceGroupName, factoryName: factory.name };

    const runnerCredential = new datafactory.CredentialOperation(
      `${name}-credential-databricks-runner`,
      {
        ...common,
        credentialName: DATABRICKS_RUNNER_CREDENTIAL,
        properties: {
          type: "ManagedIdentity",
          resourceId: args.databricksRunnerIdentityId,
          description: "Identity Data Factory's Databricks clusters run as (Unity Catalog principal)",
        },
      },
      { parent: this },
    );

    const linkedServices = definitions.linkedServices.map(
      (ls) =>
        new datafactory.LinkedService(
          `${name}-ls-${ls.name}`,
          {
            ...common,
            linkedServiceName: ls.name,
            properties: withStackCluster(ls.properties, args.databricksCluster, DATABRICKS_RUNNER_CREDENTIAL),
          },
          { parent: this, dependsOn: [runnerCredential] },
        ),
    );
    const datasets = definitions.datasets.map(
      (ds) =>
        new datafactory.Dataset(
          `${name}-ds-${ds.name}`,
          { ...common, datasetName: ds.name, properties: ds.properties },
          { parent: this, dependsOn: linkedServices },
        ),
    );
    const pipelines = new Map<string, datafactory.Pipeline>();
    for (const p of pipelineCreationOrder(definitions.pipelines)) {
      const calls = p.references.pipeline
        .map((ref) => pipelines.get(ref))
        .filter((x): x is datafactory.Pipeline => x !== undefined);
      pipelines.set(
        p.name,
        new datafactory.Pipeline(
          `${name}-pl-${p.name}`,
          { ...common, pipelineName: p.name, ...p.properties },
          { parent: this, dependsOn: [...linkedServices, ...datasets, ...calls] },
        ),
      );
    }
    for (const t of definitions.triggers) {
      new datafactory.Trigger(
        `${name}-tr-${t.name}`,
        {
          ...common,
          triggerName: t.name,
          properties: withWindowStart(t.properties, args.triggers.windowStartTime, t.file),
        },
        { parent: this, dependsOn: [...pipelines.values()] },
      );
    }

    if (args.privateLink) {
      privateEndpoint(
        `${name}-pe-factory`,
        { placement, target: args.privateLink, resourceId: factory.id, group: "dataFactory" },
        this,
      );
    }

    this.factoryId = factory.id;
    this.factoryName = factory.name;
    this.principalId = factory.identity.apply((i) => i?.principalId ?? "");
    this.pipelineNames = [...pipelines.keys()];
    this.triggerNames = definitions.triggers.map((t) => t.name);
    this.registerOutputs({
      factoryId: this.factoryId,
      factoryName: this.factoryName,
      pipelineNames: this.pipelineNames,
    });
  }
}
