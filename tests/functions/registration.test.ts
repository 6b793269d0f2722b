/** What src/index.ts registers with the Functions host: routes, auth, triggers and their options. */
import { app } from "@azure/functions";

import { STREAMS } from "../../functions/src/core/streams";

test("registers the eight HTTP functions (function keys), one many-cardinality Event Hub trigger per stream and the traits sync queue trigger", async () => {
  const http = jest.spyOn(app, "http").mockImplementation(() => undefined);
  const queue = jest.spyOn(app, "storageQueue").mockImplementation(() => undefined);
  const eventHub = jest.spyOn(app, "eventHub").mockImplementation(() => undefined);
  const timer = jest.spyOn(app, "timer").mockImplementation(() => undefined);
  const setup = jest.spyOn(app, "setup").mockImplementation(() => undefined);
  await import("../../functions/src/index");
  // bodies as streams: readBody stops reading at its limit
  expect(setup).toHaveBeenCalledWith({ enableHttpStream: true });
  const routes = http.mock.calls.map(([name, o]) => [name, o.route, o.methods, o.authLevel]);
  expect(routes).toEqual([
    ["validateCustomer", "customers/validate", ["POST"], "function"],
    ["ingestEvents", "events", ["POST"], "function"],
    ["getCustomer", "customers/{id}", ["GET"], "function"],
    ["findCustomer", "customers", ["GET"], "function"],
    ["getCustomerSegments", "customers/{id}/segments", ["GET"], "function"],
    ["deleteCustomer", "customers/{id}", ["DELETE"], "function"],
    ["exportCustomer", "customers/{id}/export", ["POST"], "function"],
    ["getCustomerExport", "customers/{id}/export/{jobId}", ["GET"], "function"],
  ]);
  for (const [, o] of http.mock.calls) expect(typeof o.handler).toBe("function");
  expect(eventHub.mock.calls.map(([name, o]) => [name, o.eventHubName])).toEqual(
    STREAMS.map((s) => [s.functionName, s.hubName]),
  );
  for (const [, o] of eventHub.mock.calls) {
    expect(o).toMatchObject({
      connection: "EventHubs",
      consumerGroup: "%EventHubs__consumerGroup%",
      cardinality: "many",
      // Indefinitely: the host checkpoints past a batch after the last retry, so there must be none.
      retry: { strategy: "exponentialBackoff", maxRetryCount: -1 },
      dataType: "binary",
    });
    expect(typeof o.handler).toBe("function");
  }
  // The data-age timer (functions/reportDataFreshness.ts), every five minutes.
  expect(timer.mock.calls.map(([name, o]) => [name, o.schedule, o.runOnStartup])).toEqual([
    ["reportDataFreshness", "0 */5 * * * *", false],
  ]);
  expect(queue.mock.calls.map(([name, o]) => [name, o.queueName, o.connection])).toEqual([
    ["applyProfileTraits", "%TraitsSync__queueName%", "AzureWebJobsStorage"],
  ]);
  jest.restoreAllMocks();
});
