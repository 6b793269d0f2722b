/** Event Hub `product` → product events: validate, enrich, coalesce, write profiles, quarantine, land. */
import { streamFor } from "../core/streams";
import { eventHubHandler } from "./_eventHub";

export const processProducts = eventHubHandler(streamFor("product"));
