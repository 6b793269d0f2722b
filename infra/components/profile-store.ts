/**
 * Profile store: a Cosmos DB (NoSQL) account with keys and key-based metadata writes disabled,
 * continuous backup, one database and its containers. `profiles` is partitioned by
 * /customerId and indexes only the paths the profile queries filter or sort on (point reads
 * by id need no index; the large per-document maps stay unindexed to keep writes cheap).
 */
import type { types } from "@pulumi/azure-native";
import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";

import type { C360Config } from "../config";
import { type Placement, privateEndpoint, type PrivateLinkTarget } from "../shared";

export const DATABASE_NAME = "c360";
export const PROFILES_CONTAINER = "profiles";
export const IDENTITY_INDEX_CONTAINER = "identity-index";

/** Seed 000 §11.2: real-time operational data is kept 90 days. */
const NINETY_DAYS_SECONDS = 90 * 24 * 3600;

export const PROFILE_INDEXING_POLICY = {
  indexingMode: "consistent",
  automatic: true,
  includedPaths: [
    { path: "/customerId/?" },
    { path: "/personal/email/?" },
    { path: "/personal/phone/?" },
    { path: "/valueSegment/?" },
    { path: "/crm/loyaltyTier/?" },
    { path: "/orders/totalSpent/?" },
    { path: "/lastEventAt/?" },
  ],
  excludedPaths: [{ path: "/*" }, { path: '/"_etag"/?' }],
  compositeIndexes: [
    [
      { path: "/valueSegment", order: "ascending" },
      { path: "/orders/totalSpent", order: "descending" },
    ],
    [
      { path: "/valueSegment", order: "ascending" },
      { path: "/lastEventAt", order: "descending" },
    ],
  ],
} satisfies types.input.cosmosdb.IndexingPolicyArgs;

/** The `ids` container is read by id only. */
export const ID_INDEXING_POLICY = {
  indexingMode: "consistent",
  automatic: true,
  includedPaths: [],
  excludedPaths: [{ path: "/*" }],
} satisfies types.input.cosmosdb.IndexingPolicyArgs;

interface ContainerSpec {
  name: string;
  partitionKey: string;
  defaultTtl?: number;
  indexingPolicy?: types.input.cosmosdb.IndexingPolicyArgs;
}

export const CONTAINERS: readonly ContainerSpec[] = [
  { name: PROFILES_CONTAINER, partitionKey: "/customerId", indexingPolicy: PROFILE_INDEXING_POLICY },
  { name: "leases", partitionKey: "/id" },
  { name: "quarantine", partitionKey: "/customerId", defaultTtl: NINETY_DAYS_SECONDS },
  // Erased identities (salted hashes, functions/src/core/id-index.ts), queried per event batch.
  { name: "erasure", partitionKey: "/customerId" },
  // Order, session and ticket ids seen per customer (functions/src/core/id-index.ts): point reads and
  // conditional creates only, so nothing needs an index.
  { name: "ids", partitionKey: "/customerId", indexingPolicy: ID_INDEXING_POLICY },
  // Hashed identifiers (source ids, emails, phones) → canonical customer id; point reads only (identity-index.ts).
  { name: IDENTITY_INDEX_CONTAINER, partitionKey: "/id" },
];

export interface ProfileStoreArgs {
  placement: Placement;
  accountName: pulumi.Input<string>;
  config: Pick<C360Config, "cosmos" | "privateNetworking">;
  privateLink?: PrivateLinkTarget;
}

export class ProfileStoreComponent extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  /** `https://<account>.documents.azure.com:443/` (the `CosmosDb__accountEndpoint` setting). */
  readonly endpoint: pulumi.Output<string>;
  readonly databaseName: string = DATABASE_NAME;
  readonly profilesContainer: string = PROFILES_CONTAINER;

  constructor(name: string, args: ProfileStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:profile:ProfileStore", name, {}, opts);
    const { placement, config } = args;
    const cosmos = config.cosmos;

    const account = new cosmosdb.DatabaseAccount(
      `${name}-account`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: placement.location,
        tags: placement.tags,
        accountName: args.accountName,
        kind: "GlobalDocumentDB",
        databaseAccountOfferType: "Standard",
        locations: [
          { locationName: placement.location, failoverPriority: 0, isZoneRedundant: cosmos.zoneRedundant },
        ],
        consistencyPolicy: { defaultConsistencyLevel: "Session" },
        // One write region (CKV_AZURE_99 accepts single-region writes as restricted access).
        enableMultipleWriteLocations: false,
        capabilities: cosmos.throughputMode === "serverless" ? [{ name: "EnableServerless" }] : [],
        backupPolicy: { type: "Continuous", continuousModeProperties: { tier: cosmos.backupTier } },
        disableLocalAuth: true,
        disableKeyBasedMetadataWriteAccess: true,
        minimalTlsVersion: "Tls12",
        publicNetworkAccess: config.privateNetworking ? "Disabled" : "Enabled",
        networkAclBypass: "AzureServices",
      },
      { parent: this },
    );

    const throughputOptions =
      cosmos.throughputMode === "provisioned"
        ? { throughput: cosmos.throughput }
        : cosmos.throughputMode === "autoscale"
          ? { autoscaleSettings: { maxThroughput: cosmos.throughput } }
          : undefined;

    // Shared database throughput: the four containers are small except profiles.
    const database = new cosmosdb.SqlResourceSqlDatabase(
      `${name}-db`,
      {
        resourceGroupName: placement.resourceGroupName,
        accountName: account.name,
        databaseName: DATABASE_NAME,
        resource: { id: DATABASE_NAME },
        options: throughputOptions,
      },
      { parent: this },
    );

    for (const spec of CONTAINERS) {
      new cosmosdb.SqlResourceSqlContainer(
        `${name}-${spec.name}`,
        {
          resourceGroupName: placement.resourceGroupName,
          accountName: account.name,
          databaseName: database.name,
          containerName: spec.name,
          resource: {
            id: spec.name,
            partitionKey: { paths: [spec.partitionKey], kind: "Hash", version: 2 },
            defaultTtl: spec.defaultTtl,
            indexingPolicy: spec.indexingPolicy,
          },
        },
        { parent: this },
      );
    }

    if (args.privateLink) {
      privateEndpoint(
        `${name}-pe-sql`,
        { placement, target: args.privateLink, resourceId: account.id, group: "Sql" },
        this,
      );
    }

    this.accountId = account.id;
    this.accountName = account.name;
    this.endpoint = account.documentEndpoint;
    this.registerOutputs({ accountId: this.accountId, endpoint: this.endpoint, databaseName: DATABASE_NAME });
  }
}
