/**
 * The handlers' dependencies, built once per process from app settings, or injected (tests and
 * the local driver call setDependencies with clients for Azurite and the local Cosmos server).
 */
import { EventHubsChangePublisher } from "./change-events";
import {
  cosmosFromSettings,
  lakeFromSettings,
  metricsFromSettings,
  producerFactory,
  profileChangesHubName,
} from "./config";
import { ERASURE_CONTAINER, IdIndex, IDS_CONTAINER } from "./id-index";
import { IdentityIndex } from "./identity-index";
import { Lake } from "./lake";
import type { MetricSink } from "./metrics";
import { type ProcessorDeps } from "./processor";
import { ProfileStore } from "./profile-store";
import { EventHubsPublisher, type EventPublisher } from "./publisher";
import { recordOptionsFromSettings } from "./validate-record";

export interface Dependencies extends ProcessorDeps {
  publisher: EventPublisher;
  /** Where the Event Hub functions send each batch's metrics; none locally unless set. */
  metrics?: MetricSink;
  /** Backoff while a last retry holds a batch that could be neither processed nor parked (functions/_eventHub.ts). */
  hold?: { baseDelayMs: number; maxDelayMs: number };
}

let current: Promise<Dependencies> | undefined;

export function setDependencies(deps: Dependencies | undefined): void {
  current = deps ? Promise.resolve(deps) : undefined;
}

async function fromSettings(): Promise<Dependencies> {
  const cosmos = cosmosFromSettings();
  // With Entra ID the data plane cannot create databases or containers (infra creates them);
  // with an emulator key they are created on first use.
  const database = cosmos.usesKey
    ? (await cosmos.client.databases.createIfNotExists({ id: cosmos.database })).database
    : cosmos.client.database(cosmos.database);
  const store = cosmos.usesKey
    ? await ProfileStore.open(database, cosmos.container)
    : new ProfileStore(database.container(cosmos.container));
  const ids = cosmos.usesKey
    ? await IdIndex.open(database)
    : new IdIndex(database.container(IDS_CONTAINER), database.container(ERASURE_CONTAINER));
  const index = cosmos.usesKey
    ? await IdentityIndex.open(database, cosmos.indexContainer)
    : new IdentityIndex(database.container(cosmos.indexContainer));
  const producers = producerFactory();
  return {
    store,
    ids,
    index,
    lake: new Lake(lakeFromSettings()),
    publisher: new EventHubsPublisher(producers),
    changes: new EventHubsChangePublisher(producers(profileChangesHubName())),
    metrics: metricsFromSettings(),
    validation: recordOptionsFromSettings(),
  };
}

export function getDependencies(): Promise<Dependencies> {
  if (!current) {
    current = fromSettings().catch((error: unknown) => {
      current = undefined;
      throw error;
    });
  }
  return current;
}
