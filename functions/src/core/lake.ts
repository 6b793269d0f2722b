/**
 * The lake through the Blob API: one storage account, one container per zone. Works on ADLS Gen2
 * (hierarchical namespace; blob names with `/` become directories) and on Azurite, which has no
 * dfs endpoint. Files are written once and atomically: a single block-blob upload with
 * If-None-Match: *, so a reader never sees half a file and a redelivered batch (same deterministic
 * name) does not write a second copy.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

import { statusOf } from "./retry";

export const LAKE_CONTAINERS = ["landing", "quarantine", "control"] as const;
/** Written by the functions: the LAKE_CONTAINERS; read only: `gold` (the traits export, traits-sync.ts). */
export type LakeContainer = (typeof LAKE_CONTAINERS)[number] | "gold";

export interface LakeStats {
  /** Files downloaded (reads), so tests can tell an indexed lookup from a scan. */
  filesRead: number;
  filesWritten: number;
  filesAlreadyPresent: number;
  bytesWritten: number;
}

export class Lake {
  readonly stats: LakeStats = { filesRead: 0, filesWritten: 0, filesAlreadyPresent: 0, bytesWritten: 0 };
  private ensured = new Map<string, Promise<unknown>>();

  /** `prefix` isolates tests sharing one storage account (`<prefix>landing`, ...); empty in real use. */
  constructor(
    readonly service: BlobServiceClient,
    readonly prefix = "",
  ) {}

  container(name: LakeContainer): ContainerClient {
    return this.service.getContainerClient(this.prefix + name);
  }

  private async ensure(name: LakeContainer): Promise<ContainerClient> {
    const client = this.container(name);
    let pending = this.ensured.get(name);
    if (!pending) {
      pending = client.createIfNotExists().catch((error: unknown) => {
        this.ensured.delete(name);
        throw error;
      });
      this.ensured.set(name, pending);
    }
    await pending;
    return client;
  }

  /** Writes a file if it does not exist yet. Returns false when it was already there (a redelivery). */
  async writeOnce(container: LakeContainer, path: string, content: string): Promise<boolean> {
    const client = await this.ensure(container);
    const body = Buffer.from(content, "utf8");
    try {
      await client.getBlockBlobClient(path).upload(body, body.length, {
        conditions: { ifNoneMatch: "*" },
        blobHTTPHeaders: { blobContentType: contentTypeOf(path) },
      });
      this.stats.filesWritten++;
      this.stats.bytesWritten += body.length;
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) {
        this.stats.filesAlreadyPresent++;
        return false;
      }
      throw error;
    }
  }

  async read(container: LakeContainer, path: string): Promise<string | undefined> {
    return (await this.readVersioned(container, path))?.text;
  }

  /** A file's text with its ETag, for a conditional rewrite (replaceIfUnchanged); undefined when absent. */
  async readVersioned(
    container: LakeContainer,
    path: string,
  ): Promise<{ text: string; etag: string } | undefined> {
    try {
      const client = this.container(container).getBlockBlobClient(path);
      this.stats.filesRead++;
      const res = await client.download();
      const chunks: Buffer[] = [];
      for await (const chunk of res.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      return { text: Buffer.concat(chunks).toString("utf8"), etag: res.etag ?? "" };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Rewrites a file (or deletes it, for `content` undefined) only if it still has `etag`. Returns false when it
   * changed or vanished in between (412/404): the caller re-reads and decides again.
   */
  async replaceIfUnchanged(
    container: LakeContainer,
    path: string,
    content: string | undefined,
    etag: string,
  ): Promise<boolean> {
    const client = this.container(container).getBlockBlobClient(path);
    try {
      if (content === undefined) await client.delete({ conditions: { ifMatch: etag } });
      else {
        const body = Buffer.from(content, "utf8");
        await client.upload(body, body.length, {
          conditions: { ifMatch: etag },
          blobHTTPHeaders: { blobContentType: contentTypeOf(path) },
        });
      }
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
  }

  /** Deletes a file if it exists. */
  async remove(container: LakeContainer, path: string): Promise<void> {
    await this.container(container).getBlockBlobClient(path).deleteIfExists();
  }

  async list(container: LakeContainer, prefix?: string): Promise<string[]> {
    const client = this.container(container);
    if (!(await client.exists())) return [];
    const names: string[] = [];
    for await (const blob of client.listBlobsFlat({ prefix })) names.push(blob.name);
    return names.sort();
  }

  /** Copies the given containers into `<dir>/<container>/<blob path>` (the local lake the batch path reads). */
  async mirrorTo(dir: string, containers: readonly LakeContainer[] = LAKE_CONTAINERS): Promise<number> {
    let files = 0;
    for (const name of containers) {
      for (const path of await this.list(name)) {
        if (path.split("/").some((segment) => segment === ".." || segment === "")) continue;
        const target = join(dir, name, ...path.split("/"));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await this.container(name).getBlockBlobClient(path).downloadToBuffer());
        files++;
      }
    }
    return files;
  }
}

function contentTypeOf(path: string): string {
  return path.endsWith(".jsonl") ? "application/x-ndjson" : "application/octet-stream";
}
