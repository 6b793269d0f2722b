/**
 * Exactly-once in effect on top of at-least-once delivery.
 *
 * Each profile remembers the ids of the last MAX_APPLIED_EVENTS events applied to it, with the
 * stream position (hub/partition and sequence number) each arrived at. An event is skipped when
 * its id is in that set. When an id is evicted to keep the document small, the highest evicted
 * sequence number per hub/partition is kept as a watermark: a later delivery at or below it is a
 * redelivery of an already-applied range (Event Hubs keeps order within a partition, and every
 * event of a customer goes to the same partition), so it is skipped too.
 *
 * Limit: a producer-side duplicate (same eventId re-sent, so a new sequence number) is caught
 * only while its id is among the last MAX_APPLIED_EVENTS of that customer.
 */
export const MAX_APPLIED_EVENTS = 500;

export interface AppliedEvent {
  id: string;
  /** `<hub>/<partition>` the event was read from (absent when folded without a position). */
  stream?: string;
  seq?: number;
}

export interface IdempotencyState {
  applied: AppliedEvent[];
  /** Highest sequence number per `<hub>/<partition>` whose event id has been evicted from `applied`. */
  evictedThrough: Record<string, number>;
}

export function emptyIdempotency(): IdempotencyState {
  return { applied: [], evictedThrough: {} };
}

export interface Position {
  stream: string;
  seq: number;
}

export function alreadyApplied(state: IdempotencyState, eventId: string, position?: Position): boolean {
  if (position) {
    const through = state.evictedThrough[position.stream];
    if (through !== undefined && position.seq <= through) return true;
  }
  return state.applied.some((a) => a.id === eventId);
}

export function recordApplied(state: IdempotencyState, eventId: string, position?: Position): void {
  state.applied.push(
    position ? { id: eventId, stream: position.stream, seq: position.seq } : { id: eventId },
  );
  while (state.applied.length > MAX_APPLIED_EVENTS) {
    const evicted = state.applied.shift()!;
    if (evicted.stream !== undefined && evicted.seq !== undefined) {
      const through = state.evictedThrough[evicted.stream];
      if (through === undefined || evicted.seq > through) state.evictedThrough[evicted.stream] = evicted.seq;
    }
  }
}
