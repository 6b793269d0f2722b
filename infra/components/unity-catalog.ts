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
 *
 * Table access (who may SELECT what): the catalog `c360_<env>` (the workspace's default catalog, so the notebooks'
 * two-part names `gold.x` land in it) with one schema per layer and one per `@catalog_schema` of the models. Unity
 * Catalog has no deny and a schema grant reaches every table created in it later (the notebooks create the tables
 * after `pulumi up`), so access is granted per schema, and the contact view lives in its own schema:
 * - the notebook principals: USE_SCHEMA, CREATE_TABLE, SELECT, MODIFY on every schema (they build the tables);
 * - the analysts group: USE_SCHEMA, SELECT on `gold` only (the analytics marts);
 * - the contact-data group: USE_SCHEMA, SELECT on `gold_contacts` only (gold.customer_contacts, the restricted
 *   contact view: models/gold/customer_contacts.sql `@catalog_schema gold_contacts`);
 * - on the catalog only USE_CATALOG (a catalog-level SELECT would reach the contact view).
 * One Grants resource per securable (authoritative: a grant added by hand is removed by the next `pulumi up`).
 */
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";

import { LAYERS, type Model } from "../../pipeline/models";
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

/** What a schema holds, and so who reads it (the baseline rule `catalog-contact-data-restricted` checks it). */
export type SchemaAccess = "pipeline" | "analytics" | "contact-data";

export interface CatalogSchema {
  name: string;
  access: SchemaAccess;
}

/** Schema properties naming the access and the reader group: what the baseline rule checks the grants against. */
export const ACCESS_PROPERTY = "c360.access";
export const READERS_PROPERTY = "c360.readers";

/** The notebook principals build every table: they read and write every schema. */
export const WRITER_PRIVILEGES = ["USE_SCHEMA", "CREATE_TABLE", "SELECT", "MODIFY"] as const;
/** A reader group: its schema's tables, nothing else. */
export const READER_PRIVILEGES = ["USE_SCHEMA", "SELECT"] as const;
/** The only privilege granted on the catalog itself (anything else would reach every schema, contacts too). */
export const CATALOG_PRIVILEGES = ["USE_CATALOG"] as const;

/** `c360_<env>`: the catalog of the stack's tables. */
export const catalogName = (environment: string) => `c360_${environment}`;

/**
 * The catalog's schemas: bronze and silver (pipeline only), gold (the analytics marts), and every `@catalog_schema`
 * of the models (contact data: gold_contacts).
 */
export function catalogSchemas(models: ReadonlyArray<Pick<Model, "catalogSchema">>): CatalogSchema[] {
  const restricted = [...new Set(models.flatMap((m) => (m.catalogSchema ? [m.catalogSchema] : [])))].sort();
  return [
    ...LAYERS.map((layer) => ({
      name: layer,
      access: (layer === "gold" ? "analytics" : "pipeline") as SchemaAccess,
    })),
    ...restricted.map((name) => ({ name, access: "contact-data" as const })),
  ];
}

export interface UnityCatalogArgs {
  environment: string;
  provider: databricks.Provider;
  accessConnectorId: pulumi.Input<string>;
  lakeAccountName: pulumi.Input<string>;
  /** Application ids of the principals the medallion notebooks run as (the job's, Data Factory's). */
  notebookRunAsApplicationIds: pulumi.Input<string>[];
  /** The catalog's schemas (catalogSchemas of the models). */
  schemas: CatalogSchema[];
  /** Account groups: analysts read `gold`; the contact-data group alone reads the contact-data schemas. */
  analystsGroup: string;
  contactDataGroup: string;
}

export class UnityCatalogComponent extends pulumi.ComponentResource {
  readonly storageCredentialName: pulumi.Output<string>;
  readonly externalLocationNames: Record<LakeZone, pulumi.Output<string>>;
  readonly catalogName: pulumi.Output<string>;

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
    const locationResources: databricks.ExternalLocation[] = [];
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
      locationResources.push(location);
    }
    this.storageCredentialName = credential.name;
    this.externalLocationNames = locations;

    // The catalog's managed storage (no table of ours is managed: the notebooks create external tables) is a folder
    // of the control zone, inside its external location.
    const catalog = new databricks.Catalog(
      `${name}-catalog`,
      {
        name: catalogName(args.environment),
        comment: "c360 medallion tables (external, in the lake zones) and the restricted contact view",
        storageRoot: pulumi
          .output(args.lakeAccountName)
          .apply((account) => `${zoneUrl(account, "control")}unity-catalog`),
      },
      { ...inWorkspace, dependsOn: locationResources },
    );
    // The workspace's default catalog: the notebooks' two-part names (gold.customer_360) resolve in it.
    new databricks.DefaultNamespaceSetting(
      `${name}-default-catalog`,
      { namespace: { value: catalog.name } },
      inWorkspace,
    );
    const writers = args.notebookRunAsApplicationIds;
    new databricks.Grants(
      `${name}-catalog-grants`,
      {
        catalog: catalog.name,
        grants: [...writers, args.analystsGroup, args.contactDataGroup].map((principal) => ({
          principal,
          privileges: [...CATALOG_PRIVILEGES],
        })),
      },
      inWorkspace,
    );
    const readersOf = (access: SchemaAccess): string | undefined =>
      access === "analytics"
        ? args.analystsGroup
        : access === "contact-data"
          ? args.contactDataGroup
          : undefined;
    for (const { name: schemaName, access } of args.schemas) {
      const readers = readersOf(access);
      const schema = new databricks.Schema(
        `${name}-schema-${schemaName}`,
        {
          catalogName: catalog.name,
          name: schemaName,
          comment: `c360 ${access} tables`,
          properties: { [ACCESS_PROPERTY]: access, ...(readers ? { [READERS_PROPERTY]: readers } : {}) },
        },
        inWorkspace,
      );
      new databricks.Grants(
        `${name}-schema-${schemaName}-grants`,
        {
          schema: pulumi.interpolate`${schema.catalogName}.${schema.name}`,
          grants: [
            ...writers.map((principal) => ({ principal, privileges: [...WRITER_PRIVILEGES] })),
            ...(readers ? [{ principal: readers, privileges: [...READER_PRIVILEGES] }] : []),
          ],
        },
        inWorkspace,
      );
    }
    this.catalogName = catalog.name;
    this.registerOutputs({
      storageCredentialName: this.storageCredentialName,
      catalogName: this.catalogName,
    });
  }
}
