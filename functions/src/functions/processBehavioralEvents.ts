/** Event Hub `behavioral-event` → behavioral_event events: validate, enrich, coalesce, write profiles, quarantine, land. */
import { streamFor } from "../core/streams";
import { eventHubHandler } from "./_eventHub";

export const processBehavioralEvents = eventHubHandler(streamFor("behavioral_event"));
