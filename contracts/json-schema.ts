/** Renders the TypeBox contracts as standalone draft 2020-12 JSON Schema documents. */
import { PROFILE_CHANGE_SCHEMA_VERSION, ProfileChangeEvent } from "./profile-change";
import { Envelope, PAYLOAD_SCHEMAS, SCHEMA_BASE_URI } from "./schemas";
import type { EventType } from "./vocabulary";

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

/** JSON.stringify drops TypeBox's symbol keys, leaving plain JSON Schema. */
function plain(schema: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

export function envelopeDocument(): Record<string, unknown> {
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE_URI}/envelope.json`,
    title: "c360 event envelope",
    ...plain(Envelope),
  };
}

/** The full event document for one type and version: the envelope with its payload schema in place. */
export function eventDocument(eventType: EventType, version: string): Record<string, unknown> {
  const payload = plain((PAYLOAD_SCHEMAS[eventType] as Record<string, object>)[version]);
  const envelope = plain(Envelope);
  const properties = envelope.properties as Record<string, unknown>;
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE_URI}/${eventType}/${version}.json`,
    title: `c360 ${eventType} event, schema version ${version}`,
    ...envelope,
    properties: {
      ...properties,
      eventType: { const: eventType },
      schemaVersion: { const: version },
      payload,
    },
  };
}

/** The outbound `profile-changes` event (contracts/profile-change.ts). */
export function profileChangeDocument(): Record<string, unknown> {
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE_URI}/profile_change/${PROFILE_CHANGE_SCHEMA_VERSION}.json`,
    title: `c360 profile change event (Event Hub profile-changes), schema version ${PROFILE_CHANGE_SCHEMA_VERSION}`,
    ...plain(ProfileChangeEvent),
  };
}

/** Every schema file, keyed by its path under contracts/schemas/. */
export function allSchemaDocuments(): Record<string, Record<string, unknown>> {
  const files: Record<string, Record<string, unknown>> = { "envelope.json": envelopeDocument() };
  const index: Record<string, string[]> = {};
  for (const [type, versions] of Object.entries(PAYLOAD_SCHEMAS)) {
    index[type] = Object.keys(versions);
    for (const version of Object.keys(versions)) {
      files[`${type}/${version}.json`] = eventDocument(type as EventType, version);
    }
  }
  files["index.json"] = { eventTypes: index } as Record<string, unknown>;
  files[`profile_change/${PROFILE_CHANGE_SCHEMA_VERSION}.json`] = profileChangeDocument();
  return files;
}
