/**
 * Unity Catalog access to the lake, through `@pulumi/databricks` in the new workspace: a storage
 * credential on the Databricks access connector (its managed identity holds Storage Blob Data
 * Contributor on the lake), one external location per lake zone (`abfss://<zone>@<lake>...`),
 * and grants on each location to every principal the medallion notebooks run as (the Databricks
 * job's run-as service principal, and the identity Data Factory's clusters run as: both run the
 * same bronze/silver/gold notebooks) — exactly the file privileges the notebooks need in that zone
 * (notebooks/c360/):
 * - landing: read the landing files, and rewrite them when an erasure blanks lines;
 * - bronze/silver/gold: read and write the Delta tables, created as external tables;
 * - quarantine: write quarantined rows, rewrite them on erasure;
 * - control: read the erasure requests (run records are Data Factory's, erasure requests the API's).
 *
 * The workspace must be attached to a metastore (Azure attaches new workspaces to the region's
 * metastore automatically); the storage credential and locations are created in that metastore.
 */
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";

import { LAKE_ZONES, type LakeZone } from "./lake";

export type FilePrivilege = "READ_FILES" | "WRITE_FILES" | "CREATE_EXTERNAL_TABLE";

export const ZONE_PRIVILEGES: Record<LakeZone, FilePrivilege[]> = {
  landing: ["READ_FILES", "WRITE_FILES"],
  bronze: ["READ_FILES", "WRITE_FILES", "CREATE_EXTERNAL_TABLE"],
  silver: ["READ_FILES", "WRITE_FILES", "CREATE_EXTERNAL_TABLE"],
  gold: ["READ_FILES", "WRITE_FILES", "CREATE_EXTERNAL_TABLE"],
  quarantine: ["READ_FILES", "WRITE_FILES"],
  control: ["READ_FILES"],
};

/** `abfss://<zone>@<account>.dfs.core.windows.net/`, the URI the notebooks build (notebooks/c360/lake.py, lake_paths). */
export function zoneUrl(accountName: string, zone: LakeZone): string {
  return `abfss://${zone}@${accountName}.dfs.core.windows.net/`;
}

export interface UnityCatalogArgs {
  environment: string;
  provider: databricks.Provider;
  accessConnectorId: pulumi.Input<string>;
  lakeAccountName: pulumi.Input<string>;
  /** Application ids of the principals the medallion notebooks run as (the job's, Data Factory's). */
  notebookRunAsApplicationIds: pulumi.Input<string>[];
}

export class UnityCatalogComponent extends pulumi.ComponentResource {
  readonly storageCredentialName: pulumi.Output<string>;
  readonly externalLocationNames: Record<LakeZone, pulumi.Output<string>>;

  constructor(name: string, args: UnityCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:catalog:UnityCatalog", name, {}, opts);
    const inWorkspace = { parent: this, provider: args.provider };
    const credential = new databricks.StorageCredential(
      `${name}-credential`,
      {
        name: `c360-${args.environment}-lake`,
        comment: "c360 lake through the Databricks access connector's managed identity",
        azureManagedIdentity: { accessConnectorId: args.accessConnectorId },
      },
      inWorkspace,
    );
    const locations = {} as Record<LakeZone, pulumi.Output<string>>;
    for (const zone of LAKE_ZONES) {
      const location = new databricks.ExternalLocation(
        `${name}-${zone}`,
        {
          name: `c360-${args.environment}-${zone}`,
          url: pulumi.output(args.lakeAccountName).apply((account) => zoneUrl(account, zone)),
          credentialName: credential.name,
          comment: `c360 lake zone ${zone}`,
        },
        inWorkspace,
      );
      new databricks.Grants(
        `${name}-${zone}-grants`,
        {
          externalLocation: location.name,
          // One Grants resource per location (it is authoritative for the securable).
          grants: args.notebookRunAsApplicationIds.map((principal) => ({
            principal,
            privileges: ZONE_PRIVILEGES[zone],
          })),
        },
        inWorkspace,
      );
      locations[zone] = location.name;
    }
    this.storageCredentialName = credential.name;
    this.externalLocationNames = locations;
    this.registerOutputs({ storageCredentialName: this.storageCredentialName });
  }
}
