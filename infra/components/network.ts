/**
 * Private networking (stacks with `privateNetworking: true`): one VNet with a subnet for private
 * endpoints, one delegated to the Flex Consumption app (VNet integration), and the two
 * Databricks subnets (VNet injection, secure cluster connectivity), plus one private DNS zone
 * per private-link group, linked to the VNet.
 */
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";

import { type Placement, PRIVATE_DNS_ZONES, type PrivateLinkGroup, type PrivateLinkTarget } from "../shared";

export interface NetworkArgs {
  placement: Placement;
  vnetName: pulumi.Input<string>;
  addressSpace: string;
}

/** Splits a /8../22 network into its first four /24 subnets. */
export function subnetCidrs(addressSpace: string): [string, string, string, string] {
  const [ip] = addressSpace.split("/");
  const [a, b, c] = ip.split(".").map(Number);
  const base = (a << 16) | (b << 8) | c;
  const at = (i: number): string => {
    const n = base + i;
    return `${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}.0/24`;
  };
  return [at(0), at(1), at(2), at(3)];
}

export class NetworkComponent extends pulumi.ComponentResource {
  readonly vnetId: pulumi.Output<string>;
  readonly vnetName: pulumi.Output<string>;
  readonly privateEndpointSubnetId: pulumi.Output<string>;
  readonly functionsSubnetId: pulumi.Output<string>;
  readonly databricksHostSubnetName: pulumi.Output<string>;
  readonly databricksContainerSubnetName: pulumi.Output<string>;
  readonly privateLink: PrivateLinkTarget;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:network:Network", name, {}, opts);
    const { placement } = args;
    const common = { resourceGroupName: placement.resourceGroupName };
    const [peCidr, funcCidr, hostCidr, containerCidr] = subnetCidrs(args.addressSpace);

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        ...common,
        location: placement.location,
        tags: placement.tags,
        virtualNetworkName: args.vnetName,
        addressSpace: { addressPrefixes: [args.addressSpace] },
      },
      { parent: this, ignoreChanges: ["subnets"] },
    );
    const nsg = new network.NetworkSecurityGroup(
      `${name}-dbw-nsg`,
      { ...common, location: placement.location, tags: placement.tags },
      { parent: this },
    );

    // Subnets of one VNet are created one after the other (Azure rejects concurrent updates).
    const pe = new network.Subnet(
      `${name}-snet-pe`,
      {
        ...common,
        virtualNetworkName: vnet.name,
        subnetName: "snet-private-endpoints",
        addressPrefix: peCidr,
        privateEndpointNetworkPolicies: "Disabled",
      },
      { parent: this },
    );
    const func = new network.Subnet(
      `${name}-snet-func`,
      {
        ...common,
        virtualNetworkName: vnet.name,
        subnetName: "snet-functions",
        addressPrefix: funcCidr,
        delegations: [{ name: "flex", serviceName: "Microsoft.App/environments" }],
      },
      { parent: this, dependsOn: [pe] },
    );
    const databricksSubnet = (
      suffix: string,
      subnetName: string,
      cidr: string,
      after: pulumi.Resource,
    ): network.Subnet =>
      new network.Subnet(
        `${name}-snet-${suffix}`,
        {
          ...common,
          virtualNetworkName: vnet.name,
          subnetName,
          addressPrefix: cidr,
          networkSecurityGroup: { id: nsg.id },
          delegations: [{ name: "databricks", serviceName: "Microsoft.Databricks/workspaces" }],
        },
        { parent: this, dependsOn: [after] },
      );
    const host = databricksSubnet("dbw-host", "snet-databricks-host", hostCidr, func);
    const container = databricksSubnet("dbw-container", "snet-databricks-container", containerCidr, host);

    const zoneIds = {} as Record<PrivateLinkGroup, pulumi.Output<string>>;
    for (const [group, zoneName] of Object.entries(PRIVATE_DNS_ZONES) as [PrivateLinkGroup, string][]) {
      const zone = new privatedns.PrivateZone(
        `${name}-dns-${group.toLowerCase()}`,
        { ...common, location: "Global", privateZoneName: zoneName, tags: placement.tags },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-dns-${group.toLowerCase()}-link`,
        {
          ...common,
          location: "Global",
          privateZoneName: zone.name,
          registrationEnabled: false,
          virtualNetwork: { id: vnet.id },
        },
        { parent: this },
      );
      zoneIds[group] = zone.id;
    }

    this.vnetId = vnet.id;
    this.vnetName = vnet.name;
    this.privateEndpointSubnetId = pe.id;
    this.functionsSubnetId = func.id;
    this.databricksHostSubnetName = host.name.apply((n) => n ?? "snet-databricks-host");
    this.databricksContainerSubnetName = container.name.apply((n) => n ?? "snet-databricks-container");
    this.privateLink = { subnetId: pe.id, zoneIds };
    this.registerOutputs({ vnetId: this.vnetId, privateEndpointSubnetId: pe.id, functionsSubnetId: func.id });
  }
}
