/**
 * The delivery queue: every generated line waits here until its delivery time, so the output is in
 * delivery order even though sessions span several minutes, duplicates are redelivered hours later
 * and late events arrive days after they happened. A binary min-heap on (deliverAt, sequence).
 */
import type { EventType, SourceSystem } from "../contracts";
import type { DefectKind } from "./defects";

export interface Delivery {
  deliverAt: number;
  seq: number;
  occurredAt: number;
  line: string;
  source: SourceSystem;
  eventType: EventType;
  /** The defect this line carries; "late" is only counted when it really arrives > 1 day behind. */
  defect: DefectKind | undefined;
  parseable: boolean;
  /** Held back beyond normal latency (late events, redeliveries): counts against the pending cap. */
  deferred: boolean;
}

export class DeliveryQueue {
  private readonly heap: Delivery[] = [];
  /** Deferred entries (late, duplicate copies) currently queued. */
  deferred = 0;
  peak = 0;

  get size(): number {
    return this.heap.length;
  }

  private less(a: Delivery, b: Delivery): boolean {
    return a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.seq < b.seq);
  }

  push(item: Delivery): void {
    const h = this.heap;
    h.push(item);
    if (item.deferred) this.deferred++;
    if (h.length > this.peak) this.peak = h.length;
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  /** Removes and returns the next delivery if it is due before `limit`. */
  popBefore(limit: number): Delivery | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0].deliverAt >= limit) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    if (top.deferred) this.deferred--;
    return top;
  }
}
