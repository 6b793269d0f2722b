/**
 * Access: every role assignment between the platform's identities and its resources, each at
 * the narrowest scope that works (a container, a hub, an account), plus the Cosmos DB
 * data-plane SQL role assignment for the Function App. The one grant kept elsewhere is Event
 * Hubs capture's (streaming.ts), because the hubs cannot be created before it exists.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";

import { COSMOS_DATA_CONTRIBUTOR, roleDefinitionId, type RoleName } from "../shared";

export interface Grant {
  /** Stable logical name, e.g. `func-lake-landing`. */
  name: string;
  principalId: pulumi.Input<string>;
  role: RoleName;
  scope: pulumi.Input<string>;
  description: string;
}

export interface CosmosGrant {
  name: string;
  principalId: pulumi.Input<string>;
  accountName: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  /** Data-plane scope below the account, e.g. `/dbs/c360`. */
  scopeSuffix: string;
  description: string;
}

export interface AccessArgs {
  resourceGroupName: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  grants: Grant[];
  cosmosGrants: CosmosGrant[];
}

export class AccessComponent extends pulumi.ComponentResource {
  readonly assignmentCount: number;

  constructor(name: string, args: AccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:access:Access", name, {}, opts);
    const seen = new Set<string>();
    for (const grant of args.grants) {
      if (seen.has(grant.name)) throw new Error(`duplicate grant name ${grant.name}`);
      seen.add(grant.name);
      new authorization.RoleAssignment(
        `${name}-${grant.name}`,
        {
          principalId: grant.principalId,
          principalType: "ServicePrincipal",
          roleDefinitionId: roleDefinitionId(args.subscriptionId, grant.role),
          scope: grant.scope,
          description: grant.description,
        },
        { parent: this },
      );
    }
    for (const grant of args.cosmosGrants) {
      new cosmosdb.SqlResourceSqlRoleAssignment(
        `${name}-${grant.name}`,
        {
          resourceGroupName: args.resourceGroupName,
          accountName: grant.accountName,
          principalId: grant.principalId,
          roleDefinitionId: pulumi.interpolate`${grant.accountId}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
          scope: pulumi.interpolate`${grant.accountId}${grant.scopeSuffix}`,
        },
        { parent: this },
      );
    }
    this.assignmentCount = args.grants.length + args.cosmosGrants.length;
    this.registerOutputs({ assignmentCount: this.assignmentCount });
  }
}
