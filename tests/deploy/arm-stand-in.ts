/**
 * A local stand-in of the Azure Resource Manager endpoints the deploy command calls for Data Factory
 * triggers (list, stop, start; api-version 2018-06-01), with ARM's shapes: a paged list (nextLink),
 * stop answered 202 with an Azure-AsyncOperation status document to poll, start answered 200,
 * 401 without the bearer token, 404 for an unknown factory or trigger. Every call is recorded.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const TOKEN = "test-token";

export interface ArmCall {
  method: string;
  path: string;
}

export interface ArmStandIn {
  endpoint: string;
  factoryId: string;
  /** name → runtimeState; edit to set the scene, read to check the outcome. */
  triggers: Map<string, { type: string; runtimeState: string }>;
  /** The calls in order; the test's injected `pulumi up` step appends "UP" as a marker. */
  calls: ArmCall[];
  stop(): Promise<void>;
}

export async function startArmStandIn(
  triggers: Record<string, { type: string; runtimeState: string }>,
): Promise<ArmStandIn> {
  const factoryId =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-c360-test/providers/Microsoft.DataFactory/factories/adf-c360-test";
  const state = new Map(Object.entries(triggers));
  const calls: ArmCall[] = [];
  const operations = new Map<string, { polls: number; apply: () => void }>();
  let endpoint = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    calls.push({ method: req.method ?? "", path: url.pathname + (url.search ? url.search : "") });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return json(401, { error: { code: "AuthenticationFailed", message: "no valid bearer token" } });
    if (url.pathname.startsWith("/operations/")) {
      const op = operations.get(url.pathname);
      if (!op) return json(404, { error: { code: "NotFound", message: "no such operation" } });
      if (op.polls-- > 0) return json(200, { status: "InProgress" });
      op.apply();
      return json(200, { status: "Succeeded" });
    }
    if (url.searchParams.get("api-version") !== "2018-06-01")
      return json(400, { error: { code: "InvalidApiVersion", message: "api-version 2018-06-01 expected" } });
    const prefix = `${factoryId}/triggers`;
    if (!url.pathname.startsWith(prefix))
      return json(404, { error: { code: "ResourceNotFound", message: `no factory at ${url.pathname}` } });
    const rest = url.pathname.slice(prefix.length);
    if (rest === "" && req.method === "GET") {
      // One trigger per page, so the client has to follow nextLink.
      const names = [...state.keys()].sort();
      const skip = Number(url.searchParams.get("$skipToken") ?? 0);
      const page = names.slice(skip, skip + 1);
      return json(200, {
        value: page.map((name) => ({
          id: `${prefix}/${name}`,
          name,
          type: "Microsoft.DataFactory/factories/triggers",
          properties: { type: state.get(name)!.type, runtimeState: state.get(name)!.runtimeState },
        })),
        ...(skip + 1 < names.length
          ? { nextLink: `${endpoint}${prefix}?api-version=2018-06-01&$skipToken=${skip + 1}` }
          : {}),
      });
    }
    const m = /^\/([^/]+)\/(start|stop)$/.exec(rest);
    if (m && req.method === "POST") {
      const trigger = state.get(decodeURIComponent(m[1]));
      if (!trigger) return json(404, { error: { code: "TriggerNotFound", message: `no trigger ${m[1]}` } });
      if (m[2] === "start") {
        trigger.runtimeState = "Started";
        return json(200, {});
      }
      const op = `/operations/${operations.size + 1}`;
      operations.set(op, { polls: 1, apply: () => (trigger.runtimeState = "Stopped") });
      return json(202, {}, { "azure-asyncoperation": `${endpoint}${op}` });
    }
    return json(405, { error: { code: "MethodNotAllowed", message: `${req.method} ${url.pathname}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    factoryId,
    triggers: state,
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
