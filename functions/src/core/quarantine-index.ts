/**
 * The quarantine's per-identity index: for every identity a quarantine file names (identity-hash.ts),
 * an empty marker blob `quarantine/index/<hash>/<file path, URI-encoded>.ref`. Export and erasure list
 * the markers of a person's hashes and read only those files, never every quarantine file. Markers hold
 * no personal data (a salted hash and a file name of hub, date and positions).
 */
import { identityHash, identityHashesOf } from "./identity-hash";
import type { Lake } from "./lake";
import type { QuarantineRecord } from "./quarantine";

export const QUARANTINE_INDEX_PREFIX = "index/";
const SUFFIX = ".ref";

/** The identities a quarantine record names: its parsed event's fields or its text's, and its customerId. */
export function recordIdentityHashes(record: QuarantineRecord): Set<string> {
  const hashes = identityHashesOf(record.event);
  if (typeof record.customerId === "string") hashes.add(identityHash(record.customerId));
  return hashes;
}

const markerPrefix = (hash: string) => `${QUARANTINE_INDEX_PREFIX}${hash}/`;

/** Writes the markers of a quarantine file (before the file itself; idempotent). */
export async function indexQuarantineFile(
  lake: Lake,
  path: string,
  records: readonly QuarantineRecord[],
): Promise<void> {
  const hashes = new Set<string>();
  for (const r of records) for (const h of recordIdentityHashes(r)) hashes.add(h);
  await Promise.all(
    [...hashes].map((h) =>
      lake.writeOnce("quarantine", `${markerPrefix(h)}${encodeURIComponent(path)}${SUFFIX}`, ""),
    ),
  );
}

/** The quarantine files indexed under any of these hashes. */
export async function indexedQuarantineFiles(lake: Lake, hashes: Iterable<string>): Promise<string[]> {
  const files = new Set<string>();
  for (const hash of hashes) {
    const prefix = markerPrefix(hash);
    for (const name of await lake.list("quarantine", prefix)) {
      if (name.endsWith(SUFFIX)) files.add(decodeURIComponent(name.slice(prefix.length, -SUFFIX.length)));
    }
  }
  return [...files].sort();
}

/** Removes the markers of these hashes (after erasure removed the records they point at). */
export async function removeIndexEntries(lake: Lake, hashes: Iterable<string>): Promise<void> {
  for (const hash of hashes) {
    for (const name of await lake.list("quarantine", markerPrefix(hash)))
      await lake.remove("quarantine", name);
  }
}
