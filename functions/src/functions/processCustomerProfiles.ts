/** Event Hub `customer-profile` → customer_profile events: validate, enrich, coalesce, write profiles, quarantine, land. */
import { streamFor } from "../core/streams";
import { eventHubHandler } from "./_eventHub";

export const processCustomerProfiles = eventHubHandler(streamFor("customer_profile"));
