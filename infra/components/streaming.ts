/**
 * Streaming: an Event Hubs namespace (Standard, local/SAS auth disabled, TLS 1.2), one hub per
 * event type, a consumer group for the Functions, and capture of every hub to
 * the lake's landing zone as Avro, authenticated with the namespace's own identity.
 *
 * The capture's role assignment (Storage Blob Data Contributor on the landing container) lives
 * here, not in the access component, because Event Hubs checks it when the hub is created: the
 * hubs depend on it.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as eventhub from "@pulumi/azure-native/eventhub";
import * as pulumi from "@pulumi/pulumi";

import { EVENT_TYPES, type EventType } from "../../contracts/vocabulary";
import type { C360Config } from "../config";
import { type Placement, privateEndpoint, type PrivateLinkTarget, roleDefinitionId } from "../shared";

/** Hub name per event type (the functions' trigger bindings use exactly these). */
export function hubName(eventType: EventType): string {
  return eventType.replace(/_/g, "-");
}

/** The Functions are the hubs' only consumers (Databricks reads the landing zone, never the hubs). */
export const CONSUMER_GROUPS = { functions: "functions" } as const;

/** The outbound hub of profile change events (contracts/profile-change.ts) and its downstream consumer group. */
export const PROFILE_CHANGES_HUB = "profile-changes";
export const PROFILE_CHANGES_CONSUMER_GROUP = "activation";

/** Capture lands under `landing/_capture/...`, next to (not inside) the envelope JSONL layout. */
export const CAPTURE_CONTAINER = "landing";
export const CAPTURE_NAME_FORMAT =
  "_capture/{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}";

export interface StreamingArgs {
  placement: Placement;
  namespaceName: pulumi.Input<string>;
  config: Pick<C360Config, "eventHubs" | "privateNetworking" | "environment">;
  subscriptionId: pulumi.Input<string>;
  lakeAccountId: pulumi.Input<string>;
  landingContainerId: pulumi.Input<string>;
  privateLink?: PrivateLinkTarget;
}

export class StreamingComponent extends pulumi.ComponentResource {
  readonly namespaceId: pulumi.Output<string>;
  readonly namespaceName: pulumi.Output<string>;
  /** `<namespace>.servicebus.windows.net` (the `EventHubs__fullyQualifiedNamespace` setting). */
  readonly fullyQualifiedNamespace: pulumi.Output<string>;
  readonly hubIds: Record<EventType, pulumi.Output<string>>;
  readonly hubNames: Record<EventType, string>;
  readonly profileChangesHubId: pulumi.Output<string>;

  constructor(name: string, args: StreamingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:streaming:Streaming", name, {}, opts);
    const { placement, config } = args;
    const hubsConfig = config.eventHubs;

    const namespace = new eventhub.Namespace(
      `${name}-namespace`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: placement.location,
        tags: placement.tags,
        namespaceName: args.namespaceName,
        sku: { name: "Standard", tier: "Standard", capacity: hubsConfig.throughputUnits },
        isAutoInflateEnabled: hubsConfig.maxThroughputUnits > hubsConfig.throughputUnits,
        maximumThroughputUnits:
          hubsConfig.maxThroughputUnits > hubsConfig.throughputUnits
            ? hubsConfig.maxThroughputUnits
            : undefined,
        disableLocalAuth: true,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: config.privateNetworking ? "Disabled" : "Enabled",
        zoneRedundant: config.environment === "prod",
        identity: { type: "SystemAssigned" },
      },
      { parent: this },
    );

    const captureGrant = new authorization.RoleAssignment(
      `${name}-capture-landing`,
      {
        principalId: namespace.identity.apply((i) => i?.principalId ?? ""),
        principalType: "ServicePrincipal",
        roleDefinitionId: roleDefinitionId(args.subscriptionId, "storageBlobDataContributor"),
        scope: args.landingContainerId,
        description: "Event Hubs capture writes Avro files to the lake's landing container",
      },
      { parent: this },
    );

    const hubIds = {} as Record<EventType, pulumi.Output<string>>;
    const hubNames = {} as Record<EventType, string>;
    for (const eventType of EVENT_TYPES) {
      const hub = hubName(eventType);
      const resource = new eventhub.EventHub(
        `${name}-${hub}`,
        {
          resourceGroupName: placement.resourceGroupName,
          namespaceName: namespace.name,
          eventHubName: hub,
          partitionCount: hubsConfig.partitions,
          retentionDescription: { cleanupPolicy: "Delete", retentionTimeInHours: hubsConfig.retentionHours },
          captureDescription: {
            enabled: true,
            encoding: eventhub.EncodingCaptureDescription.Avro,
            intervalInSeconds: hubsConfig.captureIntervalSeconds,
            sizeLimitInBytes: 314_572_800,
            skipEmptyArchives: true,
            destination: {
              name: "EventHubArchive.AzureBlockBlob",
              storageAccountResourceId: args.lakeAccountId,
              blobContainer: CAPTURE_CONTAINER,
              archiveNameFormat: CAPTURE_NAME_FORMAT,
              identity: { type: eventhub.CaptureIdentityType.SystemAssigned },
            },
          },
        },
        { parent: this, dependsOn: [captureGrant] },
      );
      for (const group of Object.values(CONSUMER_GROUPS)) {
        new eventhub.ConsumerGroup(
          `${name}-${hub}-${group}`,
          {
            resourceGroupName: placement.resourceGroupName,
            namespaceName: namespace.name,
            eventHubName: resource.name,
            consumerGroupName: group,
            userMetadata: `c360 ${group} consumers of ${hub}`,
          },
          { parent: this },
        );
      }
      hubIds[eventType] = resource.id;
      hubNames[eventType] = hub;
    }

    // Outbound: the Functions publish profile changes; activation systems read them (no capture: the lake's gold
    // tables and the traits sync's control records already hold what changed).
    const profileChanges = new eventhub.EventHub(
      `${name}-${PROFILE_CHANGES_HUB}`,
      {
        resourceGroupName: placement.resourceGroupName,
        namespaceName: namespace.name,
        eventHubName: PROFILE_CHANGES_HUB,
        partitionCount: hubsConfig.partitions,
        retentionDescription: { cleanupPolicy: "Delete", retentionTimeInHours: hubsConfig.retentionHours },
      },
      { parent: this },
    );
    new eventhub.ConsumerGroup(
      `${name}-${PROFILE_CHANGES_HUB}-${PROFILE_CHANGES_CONSUMER_GROUP}`,
      {
        resourceGroupName: placement.resourceGroupName,
        namespaceName: namespace.name,
        eventHubName: profileChanges.name,
        consumerGroupName: PROFILE_CHANGES_CONSUMER_GROUP,
        userMetadata: `c360 downstream (activation) consumers of ${PROFILE_CHANGES_HUB}`,
      },
      { parent: this },
    );

    if (args.privateLink) {
      privateEndpoint(
        `${name}-pe-namespace`,
        { placement, target: args.privateLink, resourceId: namespace.id, group: "namespace" },
        this,
      );
    }

    this.namespaceId = namespace.id;
    this.namespaceName = namespace.name;
    this.fullyQualifiedNamespace = pulumi.interpolate`${namespace.name}.servicebus.windows.net`;
    this.hubIds = hubIds;
    this.hubNames = hubNames;
    this.profileChangesHubId = profileChanges.id;
    this.registerOutputs({
      namespaceId: this.namespaceId,
      fullyQualifiedNamespace: this.fullyQualifiedNamespace,
      hubNames,
    });
  }
}
