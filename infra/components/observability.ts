/**
 * Observability: diagnostic settings on every data service (all logs and metrics to Log
 * Analytics) and the alerts of seed 000 §8.2, sent to the action group:
 * - data quality score below 95 % (warning),
 * - processing latency above 10 s (critical),
 * - data freshness: data older than one hour (warning),
 * - function failures, and Data Factory pipeline failures (seed 002 "pipeline failure").
 *
 * The three data metrics are custom metrics the Event Hub–triggered functions emit to Application
 * Insights after every batch (functions/src/core/metrics.ts), under the names in `CUSTOM_METRICS`.
 * The batch path's data-quality score (seed 000 §6.2, per silver table and load: gold.data_quality_scores) is emitted
 * by the gold run as its notebook exit value, which Data Factory's diagnostics log in ADFActivityRun.Output; the
 * batch data-quality alert reads it there, against the same 95% level.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

import { BATCH_DATA_QUALITY, CUSTOM_METRICS } from "../../contracts/metrics";

export { CUSTOM_METRICS };

/** Thresholds from seed 000 §8.2 (alert rules) and §8.1 (targets). */
export const THRESHOLDS = {
  dataQualityScoreMin: 0.95,
  processingLatencySecondsMax: 10,
  dataAgeSecondsMax: 3600,
  /** Events the hubs received but the Functions did not read, summed over the 15-minute window. */
  consumerBacklogMessagesMax: 500,
} as const;

/**
 * Consumer backlog of the Functions on the Event Hubs namespace (issue 23): events received
 * (`IncomingMessages`) minus events read (`OutgoingMessages`; the Functions' consumer group is the
 * hubs' only reader, capture is not counted as outgoing) per 5 minutes, from the namespace's
 * platform metrics in Log Analytics (`AzureMetrics`, sent by its diagnostic setting). In steady
 * state the two are equal; a partition whose batch keeps failing (the trigger retries it instead
 * of checkpointing past it) stops being read while its events keep arriving, so the difference
 * grows. Namespace-wide: the exported metrics carry no hub or partition dimension.
 */
export function consumerBacklogQuery(namespaceName: string): string {
  return [
    "AzureMetrics",
    `| where ResourceProvider == "MICROSOFT.EVENTHUB" and Resource =~ "${namespaceName}"`,
    '| where MetricName in ("IncomingMessages", "OutgoingMessages")',
    '| summarize incoming = sumif(Total, MetricName == "IncomingMessages"), outgoing = sumif(Total, MetricName == "OutgoingMessages") by bin(TimeGenerated, 5m)',
    "| extend backlog = incoming - outgoing",
  ].join("\n");
}

/** Aggregations a log-alert condition accepts (Microsoft.Insights/scheduledQueryRules, Condition.timeAggregation). */
export const LOG_ALERT_AGGREGATIONS = ["Count", "Average", "Minimum", "Maximum", "Total"] as const;
export type LogAlertAggregation = (typeof LOG_ALERT_AGGREGATIONS)[number];

/**
 * What ARM rejects in a log-alert condition: an unknown aggregation, or an aggregation other than
 * Count without `metricMeasureColumn` (the column it aggregates), or a measure column the query
 * never produces. Returns one message per problem (empty: valid).
 */
export function logAlertConditionProblems(condition: {
  query?: unknown;
  timeAggregation?: unknown;
  metricMeasureColumn?: unknown;
}): string[] {
  const problems: string[] = [];
  const aggregation = condition.timeAggregation;
  if (!LOG_ALERT_AGGREGATIONS.some((a) => a === aggregation))
    problems.push(
      `timeAggregation ${JSON.stringify(aggregation)} is not one of ${LOG_ALERT_AGGREGATIONS.join(", ")}`,
    );
  const column = condition.metricMeasureColumn;
  if (aggregation !== "Count") {
    if (typeof column !== "string" || column === "")
      problems.push(`timeAggregation ${String(aggregation)} needs metricMeasureColumn`);
    else if (!new RegExp(`\\b${column}\\s*=`).test(String(condition.query ?? "")))
      problems.push(`metricMeasureColumn ${column} is not a column the query computes`);
  }
  return problems;
}

/**
 * The lowest per-table score of the gold runs in the window: the gold notebook's exit value (`runOutput`, parsed
 * whether ADF logged it as an object or as its JSON text) carries `dataQuality: [{ table, score, … }]`.
 */
export function batchDataQualityQuery(): string {
  return [
    "ADFActivityRun",
    `| where ActivityName == "${BATCH_DATA_QUALITY.activityName}" and Status == "Succeeded"`,
    "| extend runOutput = parse_json(tostring(parse_json(Output).runOutput))",
    `| mv-expand dq = runOutput.${BATCH_DATA_QUALITY.summaryField}`,
    "| summarize score = min(todouble(dq.score)) by bin(TimeGenerated, 5m)",
  ].join("\n");
}

export interface DiagnosticTarget {
  /** Short logical name, e.g. `lake-blob`. */
  name: string;
  resourceId: pulumi.Input<string>;
  logs: boolean;
  metrics: boolean;
}

export interface ObservabilityArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tags: Record<string, string>;
  workspaceId: pulumi.Input<string>;
  appInsightsId: pulumi.Input<string>;
  actionGroupId: pulumi.Input<string>;
  functionAppName: pulumi.Input<string>;
  /** Event Hubs namespace whose consumer backlog is watched (its metrics reach the workspace). */
  eventHubsNamespaceName: pulumi.Input<string>;
  factoryId: pulumi.Input<string>;
  targets: DiagnosticTarget[];
  environment: string;
}

export class ObservabilityComponent extends pulumi.ComponentResource {
  readonly alertNames: string[] = [];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:monitoring:Observability", name, {}, opts);

    for (const target of args.targets) {
      new monitor.DiagnosticSetting(
        `${name}-diag-${target.name}`,
        {
          name: "to-log-analytics",
          resourceUri: target.resourceId,
          workspaceId: args.workspaceId,
          logAnalyticsDestinationType: "Dedicated",
          logs: target.logs ? [{ categoryGroup: "allLogs", enabled: true }] : [],
          metrics: target.metrics ? [{ category: "AllMetrics", enabled: true }] : [],
        },
        { parent: this },
      );
    }

    const queryAlert = (
      key: string,
      spec: {
        description: string;
        severity: number;
        query: pulumi.Input<string>;
        column: string;
        aggregation: Exclude<LogAlertAggregation, "Count">;
        operator: "LessThan" | "GreaterThan";
        threshold: number;
        /** Default: Application Insights; the batch data-quality alert queries the Log Analytics workspace. */
        scope?: pulumi.Input<string>;
      },
    ): void => {
      const ruleName = `c360-${args.environment}-${key}`;
      this.alertNames.push(ruleName);
      const condition = {
        query: spec.query,
        timeAggregation: spec.aggregation,
        metricMeasureColumn: spec.column,
        operator: spec.operator,
        threshold: spec.threshold,
        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
      };
      new monitor.ScheduledQueryRule(
        `${name}-${key}`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          ruleName,
          kind: "LogAlert",
          description: spec.description,
          severity: spec.severity,
          enabled: true,
          scopes: [spec.scope ?? args.appInsightsId],
          evaluationFrequency: "PT5M",
          windowSize: "PT15M",
          autoMitigate: true,
          criteria: {
            allOf: [condition],
          },
          actions: { actionGroups: [args.actionGroupId] },
        },
        { parent: this },
      );
    };
    const metricQuery = (metric: string, column: string, fn: "avg" | "max"): string =>
      `customMetrics | where name == "${metric}" | summarize ${column} = ${fn}(valueSum / valueCount) by bin(timestamp, 5m)`;

    queryAlert("data-quality", {
      description: "DataQualityAlert (seed 000 §8.2): data quality score below 95%",
      severity: 2,
      query: metricQuery(CUSTOM_METRICS.dataQualityScore, "score", "avg"),
      column: "score",
      aggregation: "Average",
      operator: "LessThan",
      threshold: THRESHOLDS.dataQualityScoreMin,
    });
    queryAlert("data-quality-batch", {
      description:
        "DataQualityAlert (seed 000 §8.2) for the batch path: a silver table's data-quality score of the last gold run below 95%",
      severity: 2,
      query: batchDataQualityQuery(),
      column: "score",
      aggregation: "Minimum",
      operator: "LessThan",
      threshold: THRESHOLDS.dataQualityScoreMin,
      scope: args.workspaceId,
    });
    queryAlert("processing-latency", {
      description: "ProcessingLatencyAlert (seed 000 §8.2): processing latency above 10 seconds",
      severity: 0,
      query: metricQuery(CUSTOM_METRICS.processingLatencySeconds, "latency", "avg"),
      column: "latency",
      aggregation: "Average",
      operator: "GreaterThan",
      threshold: THRESHOLDS.processingLatencySecondsMax,
    });
    queryAlert("data-freshness", {
      description: "DataFreshnessAlert (seed 000 §8.2): newest data older than one hour",
      severity: 2,
      query: metricQuery(CUSTOM_METRICS.dataAgeSeconds, "age", "max"),
      column: "age",
      aggregation: "Maximum",
      operator: "GreaterThan",
      threshold: THRESHOLDS.dataAgeSecondsMax,
    });
    queryAlert("function-failures", {
      description: "Function invocations that failed (HTTP and Event Hub triggers)",
      severity: 1,
      query: pulumi.interpolate`requests | where cloud_RoleName =~ "${args.functionAppName}" and success == false | summarize failures = count() by bin(timestamp, 5m)`,
      column: "failures",
      aggregation: "Total",
      operator: "GreaterThan",
      threshold: 0,
    });

    queryAlert("eventhubs-consumer-backlog", {
      description:
        "Stuck partition / consumer lag: Event Hubs received more events than the Functions read (IncomingMessages - OutgoingMessages)",
      severity: 1,
      query: pulumi.output(args.eventHubsNamespaceName).apply(consumerBacklogQuery),
      column: "backlog",
      aggregation: "Total",
      operator: "GreaterThan",
      threshold: THRESHOLDS.consumerBacklogMessagesMax,
      scope: args.workspaceId,
    });

    const pipelineAlert = `c360-${args.environment}-pipeline-failures`;
    this.alertNames.push(pipelineAlert);
    new monitor.MetricAlert(
      `${name}-pipeline-failures`,
      {
        resourceGroupName: args.resourceGroupName,
        tags: args.tags,
        ruleName: pipelineAlert,
        location: "global",
        description: "Data Factory pipeline runs that failed (seed 002: pipeline failure)",
        severity: 1,
        enabled: true,
        scopes: [args.factoryId],
        evaluationFrequency: "PT5M",
        windowSize: "PT15M",
        criteria: {
          odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          allOf: [
            {
              criterionType: "StaticThresholdCriterion",
              name: "failed-runs",
              metricName: "PipelineFailedRuns",
              metricNamespace: "Microsoft.DataFactory/factories",
              operator: "GreaterThan",
              threshold: 0,
              timeAggregation: "Total",
            },
          ],
        },
        actions: [{ actionGroupId: args.actionGroupId }],
      },
      { parent: this },
    );
    this.registerOutputs({ alertNames: this.alertNames });
  }
}
