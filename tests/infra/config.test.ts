/** Typed stack config: every key validated with an error naming it; stack files and Pulumi.yaml agree. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { subnetCidrs } from "../../infra/components/network";
import { CONFIG_KEYS, ConfigError, parseConfig, type RawConfig } from "../../infra/config";
import { readStackConfig, REPO_ROOT } from "../../infra/stack-file";

const dev = readStackConfig("dev");
const prod = readStackConfig("prod");

function errorFor(raw: RawConfig): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("parseConfig accepted the config");
}

describe("stack files", () => {
  it("parse into valid configs that differ where dev and prod should", () => {
    const d = parseConfig(dev);
    const p = parseConfig(prod);
    expect(d).toMatchObject({
      environment: "dev",
      privateNetworking: false,
      cosmos: { throughputMode: "serverless" },
    });
    expect(p).toMatchObject({
      environment: "prod",
      privateNetworking: true,
      cosmos: { throughputMode: "autoscale", throughput: 10000 },
    });
    expect(p.eventHubs.partitions).toBeGreaterThan(d.eventHubs.partitions);
    expect(p.eventHubs.throughputUnits).toBeGreaterThan(d.eventHubs.throughputUnits);
    expect(p.alertEmails).toEqual(["data-platform-oncall@example.com", "data-quality@example.com"]);
  });

  it("set every key the program reads, and Pulumi.yaml declares each with a type and description", () => {
    const keys = Object.keys(CONFIG_KEYS).sort();
    expect(Object.keys(dev).sort()).toEqual(keys);
    expect(Object.keys(prod).sort()).toEqual(keys);
    const project = readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8");
    expect(project).toMatch(/^main: infra\/$/m);
    const configBlock = project.slice(project.indexOf("\nconfig:\n"));
    const declared = [
      ...configBlock.matchAll(/^ {2}(\w+):\n {4}type: (string|integer|boolean)\n {4}description: .+$/gm),
    ].map((m) => m[1]);
    expect(declared.sort()).toEqual(keys);
  });
});

describe("parseConfig errors name the key", () => {
  const cases: [string, RawConfig, RegExp][] = [
    ["missing environment", { environment: undefined }, /c360:environment: is required/],
    [
      "unknown environment",
      { environment: "staging" },
      /c360:environment: "staging" is not one of dev, prod/,
    ],
    ["missing location", { location: "" }, /c360:location: is required/],
    ["bad location", { location: "West Europe" }, /c360:location: "West Europe" is not an Azure region/],
    ["bad prefix", { namePrefix: "C-360" }, /c360:namePrefix:/],
    ["long prefix", { namePrefix: "customer360x" }, /c360:namePrefix:/],
    ["name generation range", { nameGeneration: "0" }, /c360:nameGeneration: 0 is outside 1\.\.999/],
    ["bad boolean", { privateNetworking: "yes" }, /c360:privateNetworking: "yes" is not true or false/],
    ["bad cidr", { vnetAddressSpace: "10.0.0.0/24" }, /c360:vnetAddressSpace: .*\/8\.\.\/22/],
    [
      "not a cidr",
      { vnetAddressSpace: "10.0.300.0/16" },
      /c360:vnetAddressSpace: "10.0.300.0\/16" is not an IPv4 CIDR/,
    ],
    ["bad redundancy", { storageRedundancy: "RAGRS" }, /c360:storageRedundancy:/],
    [
      "archive before cool",
      { lakeCoolAfterDays: "400", lakeArchiveAfterDays: "365" },
      /c360:lakeArchiveAfterDays: 365 must be greater than lakeCoolAfterDays/,
    ],
    [
      "delete before archive",
      { lakeDeleteAfterDays: "100" },
      /c360:lakeDeleteAfterDays: 100 must be greater/,
    ],
    [
      "archive tier on zone-redundant storage",
      { storageRedundancy: "ZRS", lakeArchiveAfterDays: "365" },
      /c360:lakeArchiveAfterDays: 365: the archive tier is not supported with ZRS storage; set 0/,
    ],
    [
      "archive tier on geo-zone-redundant storage",
      { storageRedundancy: "GZRS", lakeArchiveAfterDays: "200" },
      /c360:lakeArchiveAfterDays: 200: the archive tier is not supported with GZRS storage/,
    ],
    [
      "delete before cool without archive",
      {
        storageRedundancy: "ZRS",
        lakeArchiveAfterDays: "0",
        lakeCoolAfterDays: "60",
        lakeDeleteAfterDays: "45",
      },
      /c360:lakeDeleteAfterDays: 45 must be greater than lakeCoolAfterDays \(60\)/,
    ],
    ["soft delete range", { lakeSoftDeleteDays: "0" }, /c360:lakeSoftDeleteDays: 0 is outside 1\.\.365/],
    [
      "partitions not integer",
      { eventHubsPartitions: "4.5" },
      /c360:eventHubsPartitions: "4.5" is not an integer/,
    ],
    ["partitions range", { eventHubsPartitions: "64" }, /c360:eventHubsPartitions: 64 is outside 1\.\.32/],
    [
      "missing throughput units",
      { eventHubsThroughputUnits: undefined },
      /c360:eventHubsThroughputUnits: is required/,
    ],
    [
      "max below units",
      { eventHubsThroughputUnits: "4", eventHubsMaxThroughputUnits: "2" },
      /c360:eventHubsMaxThroughputUnits: 2 is below/,
    ],
    ["retention", { eventHubsRetentionHours: "200" }, /c360:eventHubsRetentionHours:/],
    ["capture interval", { eventHubsCaptureIntervalSeconds: "30" }, /c360:eventHubsCaptureIntervalSeconds:/],
    [
      "cosmos mode",
      { cosmosThroughputMode: "shared" },
      /c360:cosmosThroughputMode: "shared" is not one of serverless, provisioned, autoscale/,
    ],
    [
      "provisioned without RU",
      { cosmosThroughputMode: "provisioned", cosmosThroughput: undefined },
      /c360:cosmosThroughput: is required/,
    ],
    [
      "provisioned step",
      { cosmosThroughputMode: "provisioned", cosmosThroughput: "450" },
      /c360:cosmosThroughput: 450 is not a multiple of 100/,
    ],
    [
      "autoscale step",
      { cosmosThroughputMode: "autoscale", cosmosThroughput: "1500" },
      /c360:cosmosThroughput: 1500 is not a multiple of 1000/,
    ],
    ["backup tier", { cosmosBackupTier: "Periodic" }, /c360:cosmosBackupTier:/],
    [
      "flex memory",
      { functionsInstanceMemoryMB: "1024" },
      /c360:functionsInstanceMemoryMB: "1024" is not one of 512, 2048, 4096/,
    ],
    [
      "flex max instances",
      { functionsMaximumInstanceCount: "10" },
      /c360:functionsMaximumInstanceCount: 10 is outside 40\.\.1000/,
    ],
    [
      "contact-data group = analysts group",
      { databricksAnalystsGroup: "C360-dev-analysts", databricksContactDataGroup: "c360-dev-analysts" },
      /c360:databricksContactDataGroup: "c360-dev-analysts" is also the analysts group/,
    ],
    [
      "contact data readable by every user",
      { databricksContactDataGroup: "account users" },
      /c360:databricksContactDataGroup: "account users" is every user of the workspace/,
    ],
    [
      "missing contact-data group",
      { databricksContactDataGroup: undefined },
      /c360:databricksContactDataGroup: is required/,
    ],
    [
      "wildcard CORS",
      { functionsCorsOrigins: "https://a.example.com,*" },
      /c360:functionsCorsOrigins: "\*" is not allowed/,
    ],
    [
      "http CORS",
      { functionsCorsOrigins: "http://a.example.com" },
      /c360:functionsCorsOrigins: "http:\/\/a.example.com" is not an https origin/,
    ],
    ["spark version", { databricksSparkVersion: "15.4" }, /c360:databricksSparkVersion:/],
    [
      "node type",
      { databricksNodeType: "D4ds_v5" },
      /c360:databricksNodeType: "D4ds_v5" is not an Azure VM size/,
    ],
    ["driver node type", { databricksDriverNodeType: "big" }, /c360:databricksDriverNodeType:/],
    [
      "workers",
      { databricksMinWorkers: "4", databricksMaxWorkers: "2" },
      /c360:databricksMaxWorkers: 2 is below databricksMinWorkers/,
    ],
    ["autotermination", { databricksAutoterminationMinutes: "5" }, /c360:databricksAutoterminationMinutes:/],
    [
      "cron",
      { databricksJobSchedule: "0 3 * * *" },
      /c360:databricksJobSchedule: "0 3 \* \* \*" is not a Quartz cron expression/,
    ],
    ["timezone", { databricksJobScheduleTimezone: "UTC+1 hour" }, /c360:databricksJobScheduleTimezone:/],
    ["paused", { databricksJobSchedulePaused: "1" }, /c360:databricksJobSchedulePaused:/],
    ["log retention", { logRetentionDays: "7" }, /c360:logRetentionDays: 7 is outside 30\.\.730/],
    ["no recipients", { alertEmails: " , " }, /c360:alertEmails: needs at least one e-mail address/],
    [
      "bad recipient",
      { alertEmails: "ops@example.com,not-an-email" },
      /c360:alertEmails: "not-an-email" is not an e-mail address/,
    ],
    ["typo key", { eventhubsPartitions: "4" }, /c360:eventhubsPartitions: is not a known key/],
  ];

  it.each(cases)("%s", (_label, override, message) => {
    const error = errorFor({ ...dev, ...override });
    expect(error.message).toMatch(message);
    expect(error.key).toBe(Object.keys(override)[Object.keys(override).length - 1]);
  });

  it("archives landing files only where the redundancy has an archive tier (default and explicit)", () => {
    const base = { ...dev, lakeArchiveAfterDays: undefined };
    for (const redundancy of ["LRS", "GRS"])
      expect(parseConfig({ ...base, storageRedundancy: redundancy }).lake.archiveAfterDays).toBe(365);
    for (const redundancy of ["ZRS", "GZRS"])
      expect(parseConfig({ ...base, storageRedundancy: redundancy }).lake.archiveAfterDays).toBe(0);
    expect(
      parseConfig({ ...dev, storageRedundancy: "ZRS", lakeArchiveAfterDays: "0" }).lake.archiveAfterDays,
    ).toBe(0);
  });

  it("applies documented defaults for optional keys", () => {
    const minimal: RawConfig = {
      environment: "dev",
      location: "westeurope",
      namePrefix: "c360",
      privateNetworking: "false",
      storageRedundancy: "LRS",
      eventHubsPartitions: "2",
      eventHubsThroughputUnits: "1",
      cosmosThroughputMode: "serverless",
      databricksSparkVersion: "15.4.x-scala2.12",
      databricksNodeType: "Standard_D4ds_v5",
      databricksMaxWorkers: "2",
      databricksJobSchedule: "0 0 3 * * ?",
      databricksAnalystsGroup: "analysts",
      databricksContactDataGroup: "contact-data",
      alertEmails: "ops@example.com",
      dataFactoryWindowStartTime: "2026-12-07T00:00:00Z",
      dataFactoryMaxBackfillWindows: "0",
    };
    const cfg = parseConfig(minimal);
    expect(cfg.lake).toEqual({
      coolAfterDays: 30,
      archiveAfterDays: 365,
      deleteAfterDays: 2555,
      softDeleteDays: 14,
    });
    expect(cfg.eventHubs).toEqual({
      partitions: 2,
      throughputUnits: 1,
      maxThroughputUnits: 1,
      retentionHours: 168,
      captureIntervalSeconds: 300,
    });
    expect(cfg.databricks.driverNodeType).toBe("Standard_D4ds_v5");
    expect(cfg.databricks.jobSchedulePaused).toBe(true);
    expect(cfg.functions.corsOrigins).toEqual([]);
  });
});

describe("network", () => {
  it("carve four /24 subnets from the VNet address space", () => {
    expect(subnetCidrs("10.61.0.0/20")).toEqual([
      "10.61.0.0/24",
      "10.61.1.0/24",
      "10.61.2.0/24",
      "10.61.3.0/24",
    ]);
    expect(subnetCidrs("172.16.255.0/22")).toEqual([
      "172.16.255.0/24",
      "172.17.0.0/24",
      "172.17.1.0/24",
      "172.17.2.0/24",
    ]);
  });
});
