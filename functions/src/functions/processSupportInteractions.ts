/** Event Hub `support-interaction` → support_interaction events: validate, enrich, coalesce, write profiles, quarantine, land. */
import { streamFor } from "../core/streams";
import { eventHubHandler } from "./_eventHub";

export const processSupportInteractions = eventHubHandler(streamFor("support_interaction"));
