/** An in-process Cosmos DB server with keep-alive sockets, shared by the benches that count Cosmos requests. */
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";

import { createHttpsServer } from "@vercel/cosmosdb-server";

export async function keepAliveCosmos(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createHttpsServer({ keepAlive: true } as never) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
