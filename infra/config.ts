/**
 * Stack configuration: every key of the `c360` namespace, read once, validated, typed.
 *
 * `parseConfig` is pure (raw strings in, a typed config or a `ConfigError` naming the key out),
 * so tests can reach every error without Pulumi; `loadConfig` feeds it from `pulumi.Config`.
 * Keys and their meaning are declared in Pulumi.yaml and documented in docs/infra.md.
 */
import * as pulumi from "@pulumi/pulumi";

export const CONFIG_NAMESPACE = "c360";

export type Environment = "dev" | "prod";
export type CosmosThroughputMode = "serverless" | "provisioned" | "autoscale";
export type StorageRedundancy = "LRS" | "ZRS" | "GRS" | "GZRS";
export type CosmosBackupTier = "Continuous7Days" | "Continuous30Days";

export interface C360Config {
  environment: Environment;
  location: string;
  namePrefix: string;
  /** Part of the global-name suffix with the subscription id; bump for fresh names (see naming.ts). */
  nameGeneration: number;
  privateNetworking: boolean;
  /** Address space of the platform VNet; used only when private networking is on. */
  vnetAddressSpace: string;
  storageRedundancy: StorageRedundancy;
  /** `archiveAfterDays` 0: landing files are never archived (zone-redundant storage has no archive tier). */
  lake: { coolAfterDays: number; archiveAfterDays: number; deleteAfterDays: number; softDeleteDays: number };
  eventHubs: {
    partitions: number;
    throughputUnits: number;
    maxThroughputUnits: number;
    retentionHours: number;
    captureIntervalSeconds: number;
  };
  cosmos: {
    throughputMode: CosmosThroughputMode;
    throughput: number;
    backupTier: CosmosBackupTier;
    zoneRedundant: boolean;
  };
  functions: {
    maximumInstanceCount: number;
    instanceMemoryMB: number;
    corsOrigins: string[];
    /** Entra ID app registration (client id) of App Service authentication; undefined: authentication off. */
    privacyAuthClientId?: string;
  };
  databricks: {
    sparkVersion: string;
    nodeType: string;
    driverNodeType: string;
    minWorkers: number;
    maxWorkers: number;
    autoterminationMinutes: number;
    /** Quartz cron expression of the medallion job. */
    jobSchedule: string;
    jobScheduleTimezone: string;
    jobSchedulePaused: boolean;
    /** Account group reading the gold analytics marts (schema gold). */
    analystsGroup: string;
    /** Account group that alone reads the restricted contact view (its own schema, @catalog_schema). */
    contactDataGroup: string;
  };
  logRetentionDays: number;
  alertEmails: string[];
  dataFactory: {
    /** Triggers the deploy command starts after `pulumi up`; every other trigger stays stopped. */
    startedTriggers: string[];
    /** Start of the first window of the tumbling-window triggers (ISO 8601, UTC). */
    windowStartTime: string;
    /** Past windows the deploy command lets a tumbling-window trigger backfill when it first starts it. */
    maxBackfillWindows: number;
  };
}

/**
 * Blob access tiers: the archive tier exists only for LRS, GRS and RA-GRS accounts, not for
 * zone-redundant ones (ZRS, GZRS, RA-GZRS) — Azure "Access tiers for blob data".
 */
export function archiveTierSupported(redundancy: StorageRedundancy): boolean {
  return redundancy === "LRS" || redundancy === "GRS";
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${CONFIG_NAMESPACE}:${key}: ${message}`);
    this.name = "ConfigError";
  }
}

/** Every key the program reads, with its description and type (mirrored in Pulumi.yaml). */
export const CONFIG_KEYS = {
  environment: "dev or prod; selects the defaults that differ between stacks",
  location: "Azure region of every resource, e.g. westeurope",
  namePrefix: "workload prefix of every resource name: 2-8 lowercase letters/digits, starting with a letter",
  nameGeneration:
    "1-999, hashed with the subscription id into the global-name suffix; bump it for fresh names (e.g. redeploying within 90 days of a destroy while Key Vault purge protection reserves the old name)",
  privateNetworking:
    "true: private endpoints, publicNetworkAccess Disabled and deny-by-default firewalls on data services",
  vnetAddressSpace: "CIDR of the platform VNet (used when privateNetworking is true), at least a /22",
  storageRedundancy: "LRS, ZRS, GRS or GZRS for the lake and the functions storage",
  lakeCoolAfterDays: "days after last modification before lake blobs move to the cool tier",
  lakeArchiveAfterDays:
    "days before landing files move to the archive tier (greater than the cool days); 0: never (required with ZRS/GZRS, which have no archive tier)",
  lakeDeleteAfterDays: "days before landing files are deleted (greater than the cool and archive days)",
  lakeSoftDeleteDays: "blob and container soft-delete retention of the lake, 1-365",
  eventHubsPartitions:
    "partitions per event hub, 1-32 (order holds per partition; partition key is the customer id)",
  eventHubsThroughputUnits: "Event Hubs Standard throughput units, 1-40",
  eventHubsMaxThroughputUnits: "auto-inflate ceiling; equal to the throughput units disables auto-inflate",
  eventHubsRetentionHours: "event retention per hub in hours, 1-168",
  eventHubsCaptureIntervalSeconds: "capture window to the lake in seconds, 60-900",
  cosmosThroughputMode: "serverless, provisioned or autoscale",
  cosmosThroughput:
    "RU/s for provisioned (>= 400, multiple of 100) or max RU/s for autoscale (>= 1000, multiple of 1000); ignored when serverless",
  cosmosBackupTier: "Continuous7Days or Continuous30Days (continuous backup, point-in-time restore)",
  cosmosZoneRedundant: "true: the Cosmos DB region is zone redundant",
  functionsMaximumInstanceCount: "Flex Consumption scale-out ceiling, 40-1000",
  functionsInstanceMemoryMB: "Flex Consumption instance memory: 512, 2048 or 4096",
  functionsCorsOrigins:
    "comma-separated https origins allowed to call the API (empty: none; '*' is rejected)",
  functionsPrivacyAuthClientId:
    "client id of the Entra ID app registration App Service authentication validates tokens for; privacy operators hold its app role Privacy.Operator (empty: authentication off, and erase/export refuse every request)",
  databricksSparkVersion: "Databricks runtime of the job cluster, e.g. 15.4.x-scala2.12",
  databricksNodeType: "worker node type, e.g. Standard_D4ds_v5",
  databricksDriverNodeType: "driver node type",
  databricksMinWorkers: "autoscale minimum workers of the job cluster, >= 1",
  databricksMaxWorkers: "autoscale maximum workers, >= the minimum and <= 100",
  databricksAutoterminationMinutes:
    "idle minutes before an interactive cluster under the policy terminates, 10-120",
  databricksJobSchedule:
    "Quartz cron expression of the medallion job (seconds minutes hours day-of-month month day-of-week)",
  databricksJobScheduleTimezone: "time zone of the job schedule, e.g. UTC",
  databricksJobSchedulePaused:
    "true: the Databricks job schedule is created paused (Data Factory is the primary scheduler)",
  databricksAnalystsGroup:
    "Databricks account group that reads the gold analytics marts (SELECT on the catalog's schema gold), never the contact view",
  databricksContactDataGroup:
    "Databricks account group that alone reads the restricted contact view (SELECT on schema gold_contacts: gold.customer_contacts); must differ from the analysts group",
  logRetentionDays: "Log Analytics retention, 30-730 days",
  alertEmails: "comma-separated e-mail addresses of the alert action group (at least one)",
  dataFactoryStartedTriggers:
    "comma-separated Data Factory triggers (adf/trigger/) that `npm run deploy` starts after pulumi up; the others stay stopped (empty: none)",
  dataFactoryWindowStartTime:
    "start of the first window of the tumbling-window trigger(s), ISO 8601 UTC (e.g. 2026-12-07T00:00:00Z); every window from here on runs, so a past time backfills; no default",
  dataFactoryMaxBackfillWindows:
    "past windows `npm run deploy` lets a tumbling-window trigger backfill when it starts it for the first time, 0-10000; no default",
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type RawConfig = Partial<Record<ConfigKey, string | undefined>> & Record<string, string | undefined>;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[A-Za-z]{2,}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
// Quartz: 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]).
const QUARTZ = /^(\S+\s+){5}\S+(\s+\S+)?$/;
const NODE_TYPE = /^Standard_[A-Za-z0-9_]+$/;
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,254}$/;
/** Databricks' built-in groups of every user: never the readers of contact data. */
const EVERYONE_GROUPS = ["users", "account users"];
const SPARK_VERSION = /^\d+\.\d+\.x-(?:[a-z-]+-)?scala2\.\d+$/;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

class Reader {
  constructor(private readonly raw: RawConfig) {}

  private value(key: ConfigKey): string | undefined {
    const v = this.raw[key];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  }

  string(key: ConfigKey, fallback?: string): string {
    const v = this.value(key) ?? fallback;
    if (v === undefined) throw new ConfigError(key, "is required but not set");
    return v;
  }

  optionalString(key: ConfigKey): string | undefined {
    return this.value(key);
  }

  matching(key: ConfigKey, re: RegExp, what: string, fallback?: string): string {
    const v = this.string(key, fallback);
    if (!re.test(v)) throw new ConfigError(key, `"${v}" is not ${what}`);
    return v;
  }

  oneOf<T extends string>(key: ConfigKey, allowed: readonly T[], fallback?: T): T {
    const v = this.string(key, fallback);
    const found = allowed.find((a) => a === v);
    if (found === undefined) throw new ConfigError(key, `"${v}" is not one of ${allowed.join(", ")}`);
    return found;
  }

  int(key: ConfigKey, min: number, max: number, fallback?: number): number {
    const text = this.value(key) ?? (fallback === undefined ? undefined : String(fallback));
    if (text === undefined) throw new ConfigError(key, "is required but not set");
    if (!/^-?\d+$/.test(text)) throw new ConfigError(key, `"${text}" is not an integer`);
    const n = Number(text);
    if (n < min || n > max) throw new ConfigError(key, `${n} is outside ${min}..${max}`);
    return n;
  }

  bool(key: ConfigKey, fallback?: boolean): boolean {
    const text = this.value(key) ?? (fallback === undefined ? undefined : String(fallback));
    if (text === undefined) throw new ConfigError(key, "is required but not set");
    if (text === "true") return true;
    if (text === "false") return false;
    throw new ConfigError(key, `"${text}" is not true or false`);
  }

  list(key: ConfigKey): string[] {
    const v = this.value(key);
    if (v === undefined) return [];
    return v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  }
}

function checkCidr(key: ConfigKey, value: string): void {
  const m = CIDR.exec(value);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255))
    throw new ConfigError(key, `"${value}" is not an IPv4 CIDR`);
  const bits = Number(m[5]);
  if (bits > 22 || bits < 8)
    throw new ConfigError(key, `"${value}" must be a /8../22 network (four /24 subnets are carved from it)`);
}

/** Validates raw config strings (as Pulumi hands them over) into the typed config. */
export function parseConfig(raw: RawConfig): C360Config {
  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_KEYS))
      throw new ConfigError(key, `is not a known key (known: ${Object.keys(CONFIG_KEYS).join(", ")})`);
  }
  const r = new Reader(raw);
  const environment = r.oneOf<Environment>("environment", ["dev", "prod"]);
  const location = r.matching("location", /^[a-z][a-z0-9]{2,}$/, "an Azure region name such as westeurope");
  const namePrefix = r.matching(
    "namePrefix",
    /^[a-z][a-z0-9]{1,7}$/,
    "2-8 lowercase letters or digits starting with a letter",
  );
  const nameGeneration = r.int("nameGeneration", 1, 999, 1);
  const privateNetworking = r.bool("privateNetworking");
  const vnetAddressSpace = r.string("vnetAddressSpace", "10.60.0.0/20");
  checkCidr("vnetAddressSpace", vnetAddressSpace);

  const storageRedundancy = r.oneOf<StorageRedundancy>("storageRedundancy", ["LRS", "ZRS", "GRS", "GZRS"]);
  const coolAfterDays = r.int("lakeCoolAfterDays", 1, 3650, 30);
  const archiveAfterDays = r.int(
    "lakeArchiveAfterDays",
    0,
    3650,
    archiveTierSupported(storageRedundancy) ? 365 : 0,
  );
  const deleteAfterDays = r.int("lakeDeleteAfterDays", 1, 36500, 2555);
  if (archiveAfterDays > 0 && !archiveTierSupported(storageRedundancy))
    throw new ConfigError(
      "lakeArchiveAfterDays",
      `${archiveAfterDays}: the archive tier is not supported with ${storageRedundancy} storage; set 0`,
    );
  if (archiveAfterDays > 0 && archiveAfterDays <= coolAfterDays)
    throw new ConfigError(
      "lakeArchiveAfterDays",
      `${archiveAfterDays} must be greater than lakeCoolAfterDays (${coolAfterDays})`,
    );
  const lastTier = Math.max(coolAfterDays, archiveAfterDays);
  if (deleteAfterDays <= lastTier)
    throw new ConfigError(
      "lakeDeleteAfterDays",
      `${deleteAfterDays} must be greater than ${archiveAfterDays > 0 ? "lakeArchiveAfterDays" : "lakeCoolAfterDays"} (${lastTier})`,
    );

  const throughputUnits = r.int("eventHubsThroughputUnits", 1, 40);
  const maxThroughputUnits = r.int("eventHubsMaxThroughputUnits", 1, 40, throughputUnits);
  if (maxThroughputUnits < throughputUnits)
    throw new ConfigError(
      "eventHubsMaxThroughputUnits",
      `${maxThroughputUnits} is below eventHubsThroughputUnits (${throughputUnits})`,
    );

  const throughputMode = r.oneOf<CosmosThroughputMode>("cosmosThroughputMode", [
    "serverless",
    "provisioned",
    "autoscale",
  ]);
  let throughput = 0;
  if (throughputMode === "provisioned") {
    throughput = r.int("cosmosThroughput", 400, 1_000_000);
    if (throughput % 100 !== 0)
      throw new ConfigError("cosmosThroughput", `${throughput} is not a multiple of 100`);
  } else if (throughputMode === "autoscale") {
    throughput = r.int("cosmosThroughput", 1000, 1_000_000);
    if (throughput % 1000 !== 0)
      throw new ConfigError(
        "cosmosThroughput",
        `${throughput} is not a multiple of 1000 (autoscale max RU/s)`,
      );
  }

  const corsOrigins = r.list("functionsCorsOrigins");
  for (const origin of corsOrigins) {
    if (origin === "*") throw new ConfigError("functionsCorsOrigins", `"*" is not allowed; list the origins`);
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin))
      throw new ConfigError("functionsCorsOrigins", `"${origin}" is not an https origin`);
  }

  const privacyAuthClientId = r.optionalString("functionsPrivacyAuthClientId");
  if (
    privacyAuthClientId !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(privacyAuthClientId)
  )
    throw new ConfigError(
      "functionsPrivacyAuthClientId",
      `"${privacyAuthClientId}" is not an application (client) id`,
    );

  const minWorkers = r.int("databricksMinWorkers", 1, 100, 1);
  const maxWorkers = r.int("databricksMaxWorkers", 1, 100);
  if (maxWorkers < minWorkers)
    throw new ConfigError(
      "databricksMaxWorkers",
      `${maxWorkers} is below databricksMinWorkers (${minWorkers})`,
    );
  const nodeType = r.matching("databricksNodeType", NODE_TYPE, "an Azure VM size such as Standard_D4ds_v5");

  const analystsGroup = r.matching("databricksAnalystsGroup", GROUP_NAME, "a Databricks group name");
  const contactDataGroup = r.matching("databricksContactDataGroup", GROUP_NAME, "a Databricks group name");
  if (EVERYONE_GROUPS.includes(contactDataGroup.toLowerCase()))
    throw new ConfigError(
      "databricksContactDataGroup",
      `"${contactDataGroup}" is every user of the workspace: name the contact-data group`,
    );
  if (contactDataGroup.toLowerCase() === analystsGroup.toLowerCase())
    throw new ConfigError(
      "databricksContactDataGroup",
      `"${contactDataGroup}" is also the analysts group: the contact view would be readable by every analyst`,
    );

  const alertEmails = r.list("alertEmails");
  if (alertEmails.length === 0) throw new ConfigError("alertEmails", "needs at least one e-mail address");
  for (const email of alertEmails) {
    if (!EMAIL.test(email)) throw new ConfigError("alertEmails", `"${email}" is not an e-mail address`);
  }

  const startedTriggers = r.list("dataFactoryStartedTriggers");
  for (const trigger of startedTriggers)
    if (!TRIGGER_NAME.test(trigger))
      throw new ConfigError("dataFactoryStartedTriggers", `"${trigger}" is not a trigger name`);
  const windowStartTime = r.string("dataFactoryWindowStartTime");
  if (!UTC_TIMESTAMP.test(windowStartTime) || Number.isNaN(Date.parse(windowStartTime)))
    throw new ConfigError(
      "dataFactoryWindowStartTime",
      `"${windowStartTime}" is not a UTC timestamp such as 2026-12-07T00:00:00Z`,
    );
  const maxBackfillWindows = r.int("dataFactoryMaxBackfillWindows", 0, 10_000);

  return {
    environment,
    location,
    namePrefix,
    nameGeneration,
    privateNetworking,
    vnetAddressSpace,
    storageRedundancy,
    lake: {
      coolAfterDays,
      archiveAfterDays,
      deleteAfterDays,
      softDeleteDays: r.int("lakeSoftDeleteDays", 1, 365, 14),
    },
    eventHubs: {
      partitions: r.int("eventHubsPartitions", 1, 32),
      throughputUnits,
      maxThroughputUnits,
      retentionHours: r.int("eventHubsRetentionHours", 1, 168, 168),
      captureIntervalSeconds: r.int("eventHubsCaptureIntervalSeconds", 60, 900, 300),
    },
    cosmos: {
      throughputMode,
      throughput,
      backupTier: r.oneOf<CosmosBackupTier>(
        "cosmosBackupTier",
        ["Continuous7Days", "Continuous30Days"],
        "Continuous7Days",
      ),
      zoneRedundant: r.bool("cosmosZoneRedundant", false),
    },
    functions: {
      maximumInstanceCount: r.int("functionsMaximumInstanceCount", 40, 1000, 100),
      instanceMemoryMB: Number(r.oneOf("functionsInstanceMemoryMB", ["512", "2048", "4096"], "2048")),
      corsOrigins,
      privacyAuthClientId,
    },
    databricks: {
      sparkVersion: r.matching(
        "databricksSparkVersion",
        SPARK_VERSION,
        "a Databricks runtime key such as 15.4.x-scala2.12",
      ),
      nodeType,
      driverNodeType: r.matching(
        "databricksDriverNodeType",
        NODE_TYPE,
        "an Azure VM size such as Standard_D4ds_v5",
        nodeType,
      ),
      minWorkers,
      maxWorkers,
      autoterminationMinutes: r.int("databricksAutoterminationMinutes", 10, 120, 30),
      jobSchedule: r.matching("databricksJobSchedule", QUARTZ, "a Quartz cron expression with 6 or 7 fields"),
      jobScheduleTimezone: r.matching(
        "databricksJobScheduleTimezone",
        /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/,
        "a time zone id such as UTC",
        "UTC",
      ),
      jobSchedulePaused: r.bool("databricksJobSchedulePaused", true),
      analystsGroup,
      contactDataGroup,
    },
    logRetentionDays: r.int("logRetentionDays", 30, 730, 30),
    alertEmails,
    dataFactory: { startedTriggers, windowStartTime, maxBackfillWindows },
  };
}

/** Reads the stack's `c360:*` keys from Pulumi and validates them (call once, in index.ts). */
export function loadConfig(): C360Config {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: RawConfig = {};
  for (const key of Object.keys(CONFIG_KEYS)) raw[key] = config.get(key);
  return parseConfig(raw);
}
