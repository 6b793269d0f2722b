/**
 * Monitoring core: a Log Analytics workspace, workspace-based Application Insights with local
 * (instrumentation-key) auth disabled so only Entra ID-authenticated telemetry is accepted, and
 * the action group that e-mails the alert recipients. Diagnostic settings and alert rules need
 * the monitored resources, so they live in the Observability component created last.
 */
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";

import type { Placement } from "../shared";

export interface MonitoringArgs {
  placement: Placement;
  workspaceName: pulumi.Input<string>;
  appInsightsName: pulumi.Input<string>;
  actionGroupName: pulumi.Input<string>;
  retentionDays: number;
  alertEmails: string[];
}

export class MonitoringComponent extends pulumi.ComponentResource {
  readonly workspaceId: pulumi.Output<string>;
  readonly appInsightsId: pulumi.Output<string>;
  readonly appInsightsName: pulumi.Output<string>;
  readonly appInsightsConnectionString: pulumi.Output<string>;
  readonly actionGroupId: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:monitoring:Monitoring", name, {}, opts);
    const { placement } = args;
    const workspace = new operationalinsights.Workspace(
      `${name}-logs`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: placement.location,
        tags: placement.tags,
        workspaceName: args.workspaceName,
        sku: { name: "PerGB2018" },
        retentionInDays: args.retentionDays,
        features: { disableLocalAuth: true },
      },
      { parent: this },
    );
    const appInsights = new applicationinsights.Component(
      `${name}-appi`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: placement.location,
        tags: placement.tags,
        resourceName: args.appInsightsName,
        kind: "web",
        applicationType: "web",
        workspaceResourceId: workspace.id,
        ingestionMode: "LogAnalytics",
        disableLocalAuth: true,
      },
      { parent: this },
    );
    const actionGroup = new monitor.ActionGroup(
      `${name}-ag`,
      {
        resourceGroupName: placement.resourceGroupName,
        location: "Global",
        tags: placement.tags,
        actionGroupName: args.actionGroupName,
        groupShortName: "c360alerts",
        enabled: true,
        emailReceivers: args.alertEmails.map((emailAddress, i) => ({
          name: `email-${i + 1}`,
          emailAddress,
          useCommonAlertSchema: true,
        })),
      },
      { parent: this },
    );
    this.workspaceId = workspace.id;
    this.appInsightsId = appInsights.id;
    this.appInsightsName = appInsights.name;
    this.appInsightsConnectionString = appInsights.connectionString;
    this.actionGroupId = actionGroup.id;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      appInsightsId: this.appInsightsId,
      actionGroupId: this.actionGroupId,
    });
  }
}
