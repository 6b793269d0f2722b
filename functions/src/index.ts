/**
 * The Functions app's entry point (package.json "main"): the only place that registers functions
 * with the host. Handlers live one per file under functions/ and can be imported without
 * registering anything (tests and the local driver do that).
 */
import { app } from "@azure/functions";

import { STREAMS } from "./core/streams";
import { deleteCustomer } from "./functions/deleteCustomer";
import { exportCustomer } from "./functions/exportCustomer";
import { getCustomer } from "./functions/getCustomer";
import { getCustomerSegments } from "./functions/getCustomerSegments";
import { ingestEvents } from "./functions/ingestEvents";
import { processBehavioralEvents } from "./functions/processBehavioralEvents";
import { processCustomerProfiles } from "./functions/processCustomerProfiles";
import { processOrders } from "./functions/processOrders";
import { processProducts } from "./functions/processProducts";
import { processSupportInteractions } from "./functions/processSupportInteractions";
import { validateCustomer } from "./functions/validateCustomer";

app.setup({ enableHttpStream: false });

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
  handler: deleteCustomer,
});
app.http("exportCustomer", {
  route: "customers/{id}/export",
  methods: ["GET"],
  authLevel: "function",
  handler: exportCustomer,
});

const handlers = {
  processCustomerProfiles,
  processOrders,
  processBehavioralEvents,
  processSupportInteractions,
  processProducts,
} as const;

for (const stream of STREAMS) {
  app.eventHub(stream.functionName, {
    connection: "EventHubs",
    eventHubName: stream.hubName,
    consumerGroup: "%EventHubs__consumerGroup%",
    cardinality: "many",
    // Transient failures that outlast the in-process retries fail the batch; the partition waits and
    // the batch is redelivered. On the last attempt the handler parks the batch in quarantine.
    retry: {
      strategy: "exponentialBackoff",
      maxRetryCount: 10,
      minimumInterval: { seconds: 5 },
      maximumInterval: { minutes: 5 },
    },
    handler: handlers[stream.functionName as keyof typeof handlers],
  });
}
