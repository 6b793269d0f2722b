/**
 * A fault-injecting proxy in front of the Cosmos DB server (HTTPS) or Azurite (HTTP): faults happen on
 * the wire, the SDKs and our code see real 429s, 503s, refused and dropped connections. HTTPS uses the
 * Cosmos server's own development certificate (the client accepts self-signed certificates on loopback only).
 */
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";

export type FaultAction =
  | { kind: "pass" }
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: unknown }
  /** Forward the request (the server applies it), then drop the connection before the client sees the answer. */
  | { kind: "drop-after-forward" }
  /** Drop the connection without forwarding: the service is unreachable. */
  | { kind: "refuse" };

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Document writes (create / replace / upsert) as opposed to reads and metadata calls. */
  isDocumentWrite: boolean;
  /** The partition key header (the customer id for profile calls), if any. */
  partitionKey?: string;
}

export interface FaultProxy {
  endpoint: string;
  counts: { forwarded: number; injected: number; dropped: number; refused: number };
  setPolicy(policy: (request: ProxiedRequest) => FaultAction): void;
  stop(): Promise<void>;
}

const PASS: FaultAction = { kind: "pass" };

export async function startFaultProxy(targetEndpoint: string): Promise<FaultProxy> {
  const certDir = dirname(require.resolve("@vercel/cosmosdb-server/package.json"));
  const target = new URL(targetEndpoint);
  const tls = target.protocol === "https:";
  const agent = tls
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: false })
    : new http.Agent({ keepAlive: true });
  let policy: (request: ProxiedRequest) => FaultAction = () => PASS;
  const counts = { forwarded: 0, injected: 0, dropped: 0, refused: 0 };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const method = req.method ?? "GET";
      const isDocumentWrite =
        /\/docs(\/[^/]+)?$/.test(path) &&
        (method === "POST" || method === "PUT") &&
        !req.headers["x-ms-documentdb-isquery"];
      const pkHeader = req.headers["x-ms-documentdb-partitionkey"];
      let partitionKey: string | undefined;
      try {
        partitionKey =
          typeof pkHeader === "string" ? String((JSON.parse(pkHeader) as unknown[])[0]) : undefined;
      } catch {
        partitionKey = undefined;
      }
      const action = policy({ method, path, isDocumentWrite, partitionKey });
      if (action.kind === "refuse") {
        counts.refused++;
        req.socket.destroy();
        return;
      }
      if (action.kind === "respond") {
        counts.injected++;
        res.writeHead(action.status, {
          "content-type": "application/json",
          "x-ms-activity-id": "fault",
          ...action.headers,
        });
        res.end(JSON.stringify(action.body ?? { code: String(action.status), message: "injected fault" }));
        return;
      }
      const headers = { ...req.headers, host: target.host };
      const upstream = (tls ? https.request : http.request)(
        { host: target.hostname, port: target.port, method, path, headers, agent },
        (up) => {
          const body: Buffer[] = [];
          up.on("data", (c: Buffer) => body.push(c));
          up.on("end", () => {
            counts.forwarded++;
            if (action.kind === "drop-after-forward") {
              counts.dropped++;
              req.socket.destroy();
              return;
            }
            const out = { ...up.headers };
            delete out.connection;
            res.writeHead(up.statusCode ?? 502, out);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(Buffer.concat(chunks));
    });
  };
  const server: http.Server = tls
    ? https.createServer(
        {
          cert: readFileSync(join(certDir, "cert.pem")),
          key: readFileSync(join(certDir, "key.pem")),
          keepAlive: true,
        },
        handler,
      )
    : http.createServer({ keepAlive: true }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}/`,
    counts,
    setPolicy: (p) => {
      policy = p;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
