/** Small pieces every component uses: built-in role ids, tags, private endpoints. */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";

/** Azure built-in role definition ids (stable GUIDs, documented by Microsoft). */
export const ROLES = {
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageQueueDataMessageSender: "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  eventHubsDataReceiver: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
  eventHubsDataSender: "2b629674-e913-4c01-ae53-ef4638d8f975",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
} as const;

export type RoleName = keyof typeof ROLES;

/** Cosmos DB data-plane built-in role "Cosmos DB Built-in Data Contributor". */
export const COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002";

export function roleDefinitionId(
  subscriptionId: pulumi.Input<string>,
  role: RoleName,
): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`;
}

/** What every component gets: where to put resources and how to name them. */
export interface Placement {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tags: Record<string, string>;
}

/** The private DNS zones the platform's private endpoints register in (one per group id). */
export const PRIVATE_DNS_ZONES = {
  blob: "privatelink.blob.core.windows.net",
  dfs: "privatelink.dfs.core.windows.net",
  queue: "privatelink.queue.core.windows.net",
  table: "privatelink.table.core.windows.net",
  namespace: "privatelink.servicebus.windows.net",
  Sql: "privatelink.documents.azure.com",
  vault: "privatelink.vaultcore.azure.net",
  dataFactory: "privatelink.datafactory.azure.net",
} as const;

export type PrivateLinkGroup = keyof typeof PRIVATE_DNS_ZONES;

/** Where private endpoints go when private networking is on (from the network component). */
export interface PrivateLinkTarget {
  subnetId: pulumi.Input<string>;
  zoneIds: Record<PrivateLinkGroup, pulumi.Input<string>>;
}

/** One private endpoint per sub-resource, registered in its private DNS zone. */
export function privateEndpoint(
  name: string,
  args: {
    placement: Placement;
    target: PrivateLinkTarget;
    resourceId: pulumi.Input<string>;
    group: PrivateLinkGroup;
  },
  parent: pulumi.Resource,
): network.PrivateEndpoint {
  const endpoint = new network.PrivateEndpoint(
    name,
    {
      resourceGroupName: args.placement.resourceGroupName,
      location: args.placement.location,
      tags: args.placement.tags,
      subnet: { id: args.target.subnetId },
      privateLinkServiceConnections: [
        { name, privateLinkServiceId: args.resourceId, groupIds: [args.group] },
      ],
    },
    { parent },
  );
  new network.PrivateDnsZoneGroup(
    `${name}-dns`,
    {
      resourceGroupName: args.placement.resourceGroupName,
      privateEndpointName: endpoint.name,
      privateDnsZoneConfigs: [{ name: args.group, privateDnsZoneId: args.target.zoneIds[args.group] }],
    },
    { parent },
  );
  return endpoint;
}
