/**
 * Output writers. Lines are collected into ~1 MB chunks and written with backpressure: when a file
 * stream's buffer is full the generator awaits 'drain' before producing the next slice of events.
 */
import { once } from "node:events";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname, join } from "node:path";

import { type EventType, landingPath, type SourceSystem } from "../contracts";
import { DAY_MS } from "./calendar";

const CHUNK_BYTES = 1 << 20;

export class LineFile {
  private readonly stream: WriteStream;
  private chunk: string[] = [];
  private chunkBytes = 0;
  /** Registered the moment write() reports a full buffer, so a 'drain' cannot be missed while we wait elsewhere. */
  private drained: Promise<unknown> | undefined;
  lines = 0;

  /** `createdDirs`: directories this run already created (a writer-scoped cache; saves a mkdir per file). */
  constructor(
    readonly path: string,
    createdDirs?: Set<string>,
  ) {
    const dir = dirname(path);
    if (!createdDirs?.has(dir)) {
      mkdirSync(dir, { recursive: true });
      createdDirs?.add(dir);
    }
    this.stream = createWriteStream(path);
  }

  write(line: string): void {
    this.chunk.push(line);
    this.chunkBytes += line.length + 1;
    this.lines++;
    if (this.chunkBytes >= CHUNK_BYTES) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    const data = this.chunk.join("\n") + "\n";
    this.chunk = [];
    this.chunkBytes = 0;
    if (!this.stream.write(data) && !this.drained) this.drained = once(this.stream, "drain");
  }

  /** Waits until the OS has taken what was written (backpressure). */
  async settle(): Promise<void> {
    const drained = this.drained;
    if (drained) {
      await drained;
      this.drained = undefined;
    }
  }

  async close(): Promise<void> {
    this.flush();
    const closed = once(this.stream, "close");
    this.stream.end();
    await closed;
    this.drained = undefined;
  }
}

/** `<dir>/<prefix>-00000.jsonl`, a new part every `partLines` lines. */
export class PartedFile {
  private current: LineFile | undefined;
  private part = 0;
  readonly files: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly partLines: number,
  ) {}

  async write(line: string): Promise<void> {
    if (this.current && this.current.lines >= this.partLines) {
      await this.current.close();
      this.current = undefined;
    }
    if (!this.current) {
      const name = `${this.prefix}-${String(this.part++).padStart(5, "0")}.jsonl`;
      this.current = new LineFile(join(this.dir, name));
      this.files.push(name);
    }
    this.current.write(line);
  }

  /** Synchronous fast path while the current part has room; falls back to write() at part boundaries. */
  tryWrite(line: string): boolean {
    if (!this.current || this.current.lines >= this.partLines) return false;
    this.current.write(line);
    return true;
  }

  async settle(): Promise<void> {
    await this.current?.settle();
  }

  async close(): Promise<void> {
    await this.current?.close();
    this.current = undefined;
  }
}

/**
 * Landing files in the lake layout, grouped by source, event type and ingest (delivery) date:
 * `landing/<source>/<type>/ingest_date=YYYY-MM-DD/<batch>.jsonl`. Deliveries arrive in time order,
 * so only the current day's files are open; earlier days are closed as soon as the day turns.
 */
export class LandingFiles {
  private readonly open = new Map<string, { file: LineFile; part: number; day: number }>();
  private readonly parts = new Map<string, number>();
  readonly files: string[] = [];
  private currentDay = -1;
  private readonly closing: Promise<void>[] = [];
  private readonly createdDirs = new Set<string>();

  constructor(
    private readonly lakeDir: string,
    private readonly batchPrefix: string,
    private readonly partLines: number,
  ) {}

  write(line: string, source: SourceSystem, eventType: EventType, deliveredAt: number): void {
    const day = Math.floor(deliveredAt / DAY_MS);
    if (day !== this.currentDay) {
      for (const [key, entry] of this.open) {
        if (entry.day < day) {
          this.closing.push(entry.file.close());
          this.open.delete(key);
        }
      }
      this.currentDay = day;
    }
    const key = `${source}/${eventType}`;
    let entry = this.open.get(key);
    if (entry && entry.file.lines >= this.partLines) {
      this.closing.push(entry.file.close());
      this.open.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const groupKey = `${key}/${day}`;
      const part = this.parts.get(groupKey) ?? 0;
      this.parts.set(groupKey, part + 1);
      const batch = `${this.batchPrefix}-p${String(part).padStart(4, "0")}`;
      const rel = join("landing", landingPath(source, eventType, new Date(day * DAY_MS), batch));
      entry = { file: new LineFile(join(this.lakeDir, rel), this.createdDirs), part, day };
      this.open.set(key, entry);
      this.files.push(rel.split("\\").join("/"));
    }
    entry.file.write(line);
  }

  async settle(): Promise<void> {
    for (const entry of this.open.values()) await entry.file.settle();
    if (this.closing.length) await Promise.all(this.closing.splice(0));
  }

  async close(): Promise<void> {
    for (const entry of this.open.values()) this.closing.push(entry.file.close());
    this.open.clear();
    await Promise.all(this.closing.splice(0));
  }
}
