import { randomUUID } from "node:crypto";

import { isProcessAlive } from "../../local/processes";
import { blobServiceClient, cosmosClient, startLocalServices } from "../../local/services";

describe("local services", () => {
  it("starts Azurite and the Cosmos DB server, serves real reads and writes, and stops without leftovers", async () => {
    const services = await startLocalServices({ forceLocal: true });
    expect(services.pids).toHaveLength(2);
    try {
      expect(services.pids.every(isProcessAlive)).toBe(true);

      const container = blobServiceClient(services.storage).getContainerClient(`t-${randomUUID()}`);
      await container.create();
      const blob = container.getBlockBlobClient("landing/crm/customer_profile/x.jsonl");
      await blob.upload('{"a":1}\n', 8);
      expect((await blob.downloadToBuffer()).toString()).toBe('{"a":1}\n');
      // Conditional create is what makes landing writes safe against redelivery.
      await expect(blob.upload("{}", 2, { conditions: { ifNoneMatch: "*" } })).rejects.toMatchObject({
        statusCode: 409,
      });

      const client = cosmosClient(services.cosmos);
      const { database } = await client.databases.createIfNotExists({ id: `db-${randomUUID()}` });
      const { container: profiles } = await database.containers.createIfNotExists({
        id: "profiles",
        partitionKey: { paths: ["/customerId"] },
      });
      await profiles.items.upsert({ id: "C1", customerId: "C1", totalSpent: 12.5 });
      const { resource } = await profiles.item("C1", "C1").read<{ totalSpent: number }>();
      expect(resource?.totalSpent).toBe(12.5);
      const missing = await profiles.item("nope", "nope").read();
      expect(missing.statusCode).toBe(404);
    } finally {
      await services.stop();
    }
    expect(services.pids.some(isProcessAlive)).toBe(false);
  });

  it("reuses configured endpoints instead of starting processes", async () => {
    const services = await startLocalServices({
      env: {
        C360_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
        C360_COSMOS_ENDPOINT: "https://localhost:8081/",
      },
    });
    expect(services.pids).toEqual([]);
    expect(services.storage.managed).toBe(false);
    expect(services.cosmos).toMatchObject({
      endpoint: "https://localhost:8081/",
      allowSelfSignedCertificate: true,
    });
    await services.stop();
  });
});
