/**
 * Secrets: one Key Vault with RBAC authorization (no access policies), 90-day soft delete and
 * purge protection. The platform itself needs no stored secrets (every connection is
 * identity-based), so no platform identity is granted a role on it; the vault holds what external
 * sources hand over (e.g. partner API keys), read by whoever is granted access when such a source
 * is added.
 */
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";

import { type Placement, privateEndpoint, type PrivateLinkTarget } from "../shared";

export const SOFT_DELETE_RETENTION_DAYS = 90;

export interface SecretsArgs {
  placement: Placement;
  vaultName: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  privateNetworking: boolean;
  privateLink?: PrivateLinkTarget;
}

export class SecretsComponent extends pulumi.ComponentResource {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:secrets:Secrets", name, {}, opts);
    const { placement } = args;
    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: placement.location,
        tags: placement.tags,
        vaultName: args.vaultName,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS,
          enablePurgeProtection: true,
          publicNetworkAccess: args.privateNetworking ? "Disabled" : "Enabled",
          networkAcls: { bypass: "AzureServices", defaultAction: args.privateNetworking ? "Deny" : "Allow" },
        },
      },
      { parent: this },
    );
    if (args.privateLink) {
      privateEndpoint(
        `${name}-pe-vault`,
        { placement, target: args.privateLink, resourceId: vault.id, group: "vault" },
        this,
      );
    }
    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    this.registerOutputs({ vaultId: this.vaultId, vaultUri: this.vaultUri });
  }
}
