/** The hardened storage account both the lake and the functions host storage are built from. */
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";

import type { StorageRedundancy } from "../config";
import type { Placement } from "../shared";

export type StorageRole = "lake" | "functions-host";

export interface SecureAccountArgs {
  placement: Placement;
  accountName: pulumi.Input<string>;
  role: StorageRole;
  redundancy: StorageRedundancy;
  hierarchicalNamespace: boolean;
  /**
   * open: public endpoint allowed (stacks without private networking);
   * private: public network access disabled, private endpoints only;
   * firewalled: public endpoint denied by default, reachable only by trusted Azure services and
   * the listed resource instances (used for the lake in private stacks, because Event Hubs
   * capture has no private path and trusted-service exceptions only apply in this mode).
   */
  networkMode: "open" | "private" | "firewalled";
  resourceAccessRules?: { tenantId: pulumi.Input<string>; resourceId: pulumi.Input<string> }[];
}

export function secureStorageAccount(
  name: string,
  args: SecureAccountArgs,
  parent: pulumi.Resource,
): storage.StorageAccount {
  return new storage.StorageAccount(
    name,
    {
      resourceGroupName: args.placement.resourceGroupName,
      location: args.placement.location,
      // The role tag says what the account is for (the baseline checks key off it).
      tags: { ...args.placement.tags, "c360-role": args.role },
      accountName: args.accountName,
      kind: "StorageV2",
      sku: { name: `Standard_${args.redundancy}` },
      accessTier: "Hot",
      isHnsEnabled: args.hierarchicalNamespace,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      publicNetworkAccess: args.networkMode === "private" ? "Disabled" : "Enabled",
      // Trusted Azure services (Event Hubs capture, Data Factory with their managed identities)
      // pass the firewall through the bypass; other resource instances are listed explicitly.
      networkRuleSet: {
        defaultAction: args.networkMode === "open" ? "Allow" : "Deny",
        bypass: "AzureServices",
        resourceAccessRules: args.networkMode === "firewalled" ? args.resourceAccessRules : undefined,
      },
      encryption: {
        keySource: "Microsoft.Storage",
        requireInfrastructureEncryption: true,
        services: {
          blob: { enabled: true, keyType: "Account" },
          file: { enabled: true, keyType: "Account" },
        },
      },
    },
    { parent },
  );
}
