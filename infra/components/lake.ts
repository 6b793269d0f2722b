/**
 * The lake: one ADLS Gen2 account (hierarchical namespace), one container per zone, soft
 * delete, and lifecycle rules from seed 000 §11.2 (processed data cools, landing files archive
 * after a year where the redundancy has an archive tier, raw files are kept 7 years; quarantine
 * follows the 90-day real-time retention).
 * Delta zones (bronze/silver/gold) only cool: archived Delta files would break the tables, and
 * their deletion is Delta's VACUUM, not the storage lifecycle.
 */
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";

import type { C360Config } from "../config";
import { type Placement, privateEndpoint, type PrivateLinkTarget } from "../shared";
import { secureStorageAccount } from "./storage";

export const LAKE_ZONES = ["landing", "bronze", "silver", "gold", "quarantine", "control"] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** Quarantined records are operational data: seed 000 keeps real-time data 90 days. */
export const QUARANTINE_RETENTION_DAYS = 90;

export interface LakeArgs {
  placement: Placement;
  accountName: pulumi.Input<string>;
  config: Pick<C360Config, "lake" | "storageRedundancy" | "privateNetworking">;
  privateLink?: PrivateLinkTarget;
  /** Resource instances allowed through the lake firewall in private stacks (the Databricks access connector). */
  resourceAccessRules?: { tenantId: pulumi.Input<string>; resourceId: pulumi.Input<string> }[];
}

/** Lifecycle rules from the lake config; landing files archive only when `archiveAfterDays` > 0. */
export function lifecycleRules(lake: C360Config["lake"]): storage.ManagementPolicyArgs["policy"] {
  const delta = ["bronze/", "silver/", "gold/"];
  const archive = lake.archiveAfterDays > 0;
  return {
    rules: [
      {
        name: archive ? "landing-cool-archive-delete" : "landing-cool-delete",
        type: "Lifecycle",
        enabled: true,
        definition: {
          filters: { blobTypes: ["blockBlob"], prefixMatch: ["landing/"] },
          actions: {
            baseBlob: {
              tierToCool: { daysAfterModificationGreaterThan: lake.coolAfterDays },
              ...(archive
                ? { tierToArchive: { daysAfterModificationGreaterThan: lake.archiveAfterDays } }
                : {}),
              delete: { daysAfterModificationGreaterThan: lake.deleteAfterDays },
            },
          },
        },
      },
      {
        name: "delta-zones-cool",
        type: "Lifecycle",
        enabled: true,
        definition: {
          filters: { blobTypes: ["blockBlob"], prefixMatch: delta },
          actions: { baseBlob: { tierToCool: { daysAfterModificationGreaterThan: lake.coolAfterDays } } },
        },
      },
      {
        name: "quarantine-delete",
        type: "Lifecycle",
        enabled: true,
        definition: {
          filters: { blobTypes: ["blockBlob"], prefixMatch: ["quarantine/"] },
          actions: {
            baseBlob: {
              tierToCool: {
                daysAfterModificationGreaterThan: Math.min(lake.coolAfterDays, QUARANTINE_RETENTION_DAYS - 1),
              },
              delete: { daysAfterModificationGreaterThan: QUARANTINE_RETENTION_DAYS },
            },
          },
        },
      },
    ],
  };
}

export class LakeComponent extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  readonly dfsEndpoint: pulumi.Output<string>;
  readonly blobEndpoint: pulumi.Output<string>;
  /** Container resource ids by zone (role assignments are scoped to these). */
  readonly containerIds: Record<LakeZone, pulumi.Output<string>>;

  constructor(name: string, args: LakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:lake:Lake", name, {}, opts);
    const { placement, config } = args;
    const account = secureStorageAccount(
      `${name}-account`,
      {
        placement,
        accountName: args.accountName,
        role: "lake",
        redundancy: config.storageRedundancy,
        hierarchicalNamespace: true,
        networkMode: config.privateNetworking ? "firewalled" : "open",
        resourceAccessRules: args.resourceAccessRules,
      },
      this,
    );

    const blobService = new storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        resourceGroupName: placement.resourceGroupName,
        accountName: account.name,
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: config.lake.softDeleteDays },
        containerDeleteRetentionPolicy: { enabled: true, days: config.lake.softDeleteDays },
      },
      { parent: this },
    );

    const containerIds = {} as Record<LakeZone, pulumi.Output<string>>;
    for (const zone of LAKE_ZONES) {
      const container = new storage.BlobContainer(
        `${name}-${zone}`,
        {
          resourceGroupName: placement.resourceGroupName,
          accountName: account.name,
          containerName: zone,
          publicAccess: "None",
        },
        { parent: this, dependsOn: [blobService] },
      );
      containerIds[zone] = container.id;
    }

    new storage.ManagementPolicy(
      `${name}-lifecycle`,
      {
        resourceGroupName: placement.resourceGroupName,
        accountName: account.name,
        managementPolicyName: "default",
        policy: lifecycleRules(config.lake),
      },
      { parent: this },
    );

    if (args.privateLink) {
      for (const group of ["blob", "dfs"] as const) {
        privateEndpoint(
          `${name}-pe-${group}`,
          { placement, target: args.privateLink, resourceId: account.id, group },
          this,
        );
      }
    }

    this.accountId = account.id;
    this.accountName = account.name;
    this.dfsEndpoint = account.primaryEndpoints.dfs;
    this.blobEndpoint = account.primaryEndpoints.blob;
    this.containerIds = containerIds;
    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      dfsEndpoint: this.dfsEndpoint,
      blobEndpoint: this.blobEndpoint,
    });
  }
}
