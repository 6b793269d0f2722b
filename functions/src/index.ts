/**
 * The Functions app's entry point (package.json "main"): the only place that registers functions
 * with the host. Handlers live one per file under functions/ and can be imported without
 * registering anything (tests and the local driver do that).
 */
import { app } from "@azure/functions";

import { recordingFreshness } from "./core/freshness";
import { STREAMS } from "./core/streams";
import { privacyOperation } from "./functions/_privacy";
import { applyProfileTraits } from "./functions/applyProfileTraits";
import { deleteCustomer } from "./functions/deleteCustomer";
import { exportCustomer } from "./functions/exportCustomer";
import { findCustomer } from "./functions/findCustomer";
import { getCustomer } from "./functions/getCustomer";
import { getCustomerExport } from "./functions/getCustomerExport";
import { getCustomerSegments } from "./functions/getCustomerSegments";
import { ingestEvents } from "./functions/ingestEvents";
import { processBehavioralEvents } from "./functions/processBehavioralEvents";
import { processCustomerProfiles } from "./functions/processCustomerProfiles";
import { processOrders } from "./functions/processOrders";
import { processProducts } from "./functions/processProducts";
import { processSupportInteractions } from "./functions/processSupportInteractions";
import { FRESHNESS_SCHEDULE, reportDataFreshness } from "./functions/reportDataFreshness";
import { validateCustomer } from "./functions/validateCustomer";

// HTTP streams: request bodies arrive as a stream, so readBody can stop at its limit instead of
// the worker receiving a whole (up to the host's 100 MB) body first.
app.setup({ enableHttpStream: true });

app.http("validateCustomer", {
  route: "customers/validate",
  methods: ["POST"],
  authLevel: "function",
  handler: validateCustomer,
});
app.http("ingestEvents", {
  route: "events",
  methods: ["POST"],
  authLevel: "function",
  handler: ingestEvents,
});
app.http("getCustomer", {
  route: "customers/{id}",
  methods: ["GET"],
  authLevel: "function",
  handler: getCustomer,
});
app.http("findCustomer", {
  route: "customers",
  methods: ["GET"],
  authLevel: "function",
  handler: findCustomer,
});
app.http("getCustomerSegments", {
  route: "customers/{id}/segments",
  methods: ["GET"],
  authLevel: "function",
  handler: getCustomerSegments,
});
app.http("deleteCustomer", {
  route: "customers/{id}",
  methods: ["DELETE"],
  authLevel: "function",
  // Entra ID privacy operators only, every request audited (functions/_privacy.ts)
  handler: privacyOperation("erase", deleteCustomer),
});
// A person's data export is a job: POST records it (202 + status URL), the batch path's export step writes the lake
// part, GET of the status URL answers pending or the whole document (docs/functions.md).
app.http("exportCustomer", {
  route: "customers/{id}/export",
  methods: ["POST"],
  authLevel: "function",
  handler: privacyOperation("export", exportCustomer),
});
app.http("getCustomerExport", {
  route: "customers/{id}/export/{jobId}",
  methods: ["GET"],
  authLevel: "function",
  handler: privacyOperation("export", getCustomerExport),
});

const handlers = {
  processCustomerProfiles,
  processOrders,
  processBehavioralEvents,
  processSupportInteractions,
  processProducts,
} as const;

/**
 * The Event Hubs trigger checkpoints past a batch once its invocation ends, whether it returned or threw
 * ("Functions avoids deadlocks by always advancing the stream's pointer, regardless of success or failure",
 * https://learn.microsoft.com/azure/azure-functions/functions-reliable-event-processing). Only a retry
 * policy holds the partition, and after its last retry the checkpoint moves on all the same. So the policy
 * retries indefinitely (`maxRetryCount: -1`, "-1 means to retry indefinitely",
 * https://learn.microsoft.com/javascript/api/@azure/functions/exponentialbackoffretryoptions; Event Hubs
 * retry policies are function-level, https://learn.microsoft.com/azure/azure-functions/functions-bindings-error-pages):
 * a dependency outage holds the partition (the consumer-lag alert fires) instead of skipping events.
 * Data errors never throw (they are quarantined per event), so an indefinite retry cannot spin on bad data.
 */
export const EVENT_HUB_RETRY = {
  strategy: "exponentialBackoff",
  maxRetryCount: -1,
  minimumInterval: { seconds: 5 },
  maximumInterval: { minutes: 5 },
} as const;

for (const stream of STREAMS) {
  app.eventHub(stream.functionName, {
    connection: "EventHubs",
    eventHubName: stream.hubName,
    consumerGroup: "%EventHubs__consumerGroup%",
    cardinality: "many",
    // Bodies as bytes: the processor parses them itself, bounded, and quarantines what does not parse
    // with its bytes intact (a binding property of function.json, passed through to the host).
    ...{ dataType: "binary" },
    retry: EVENT_HUB_RETRY,
    // After each batch, the partition's newest event time is persisted for the freshness timer below.
    handler: recordingFreshness(stream, handlers[stream.functionName as keyof typeof handlers]),
  });
}

// The data age keeps being sent when ingestion stops entirely (no batch, no per-batch metric).
app.timer("reportDataFreshness", {
  schedule: FRESHNESS_SCHEDULE,
  runOnStartup: false,
  handler: reportDataFreshness,
});

// The batch traits sync, started by the ADF master pipeline after gold (a message on the queue).
app.storageQueue("applyProfileTraits", {
  queueName: "%TraitsSync__queueName%",
  connection: "AzureWebJobsStorage",
  handler: applyProfileTraits,
});
