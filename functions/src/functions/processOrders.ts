/** Event Hub `order` → order events: validate, enrich, coalesce, write profiles, quarantine, land. */
import { streamFor } from "../core/streams";
import { eventHubHandler } from "./_eventHub";

export const processOrders = eventHubHandler(streamFor("order"));
