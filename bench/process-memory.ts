/** Memory of a process tree, from Linux /proc (the Spark bench's figure: bench/pipeline.ts). */
import { readdirSync, readFileSync } from "node:fs";

/**
 * Memory of a process and all its descendants (Linux /proc), MiB; 0 when gone: the sum of their proportional set
 * sizes (PSS: a page shared by n processes counts 1/n in each), so the pages forked workers share with their parent
 * count once, where summed RSS counted them once per process.
 */
export function treePssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let kib = 0;
  const visit = (pid: number): void => {
    try {
      const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      kib += Number(pss?.[1] ?? 0);
    } catch {
      // the process ended while we looked
    }
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return Math.round(kib / 1024);
}
