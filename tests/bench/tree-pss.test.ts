/**
 * The Spark bench's memory figure (treePssMb): a process tree whose forked children share their parent's pages
 * counts those pages once (PSS), where summing each process's RSS counted them once per process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

import { treePssMb } from "../../bench/process-memory";

/** A Python parent holding 200 MiB it wrote, with two forked children sharing those pages (copy-on-write). */
const SHARING_TREE = `
import os, sys, time
held = b"\\x01" * (200 * 2**20)
for _ in range(2):
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
print("ready", flush=True)
time.sleep(60)
`;

const rssMb = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[21]) * 4096) / 2 ** 20;
};

let tree: ChildProcess | undefined;
afterEach(() => {
  // The whole group: the parent and its forked children.
  if (tree?.pid) process.kill(-tree.pid, "SIGKILL");
});

test("pages forked children share with their parent count once", async () => {
  tree = spawn("python3", ["-c", SHARING_TREE], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((ready, failed) => {
    tree!.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && ready());
    tree!.once("exit", (code) => failed(new Error(`the tree exited (${code}) before it was ready`)));
  });
  const parent = tree.pid!;
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8")
    .trim()
    .split(" ")
    .map(Number);
  expect(children).toHaveLength(2);
  const summedRss = [parent, ...children].reduce((sum, pid) => sum + rssMb(pid), 0);
  expect(summedRss).toBeGreaterThan(600); // each of the three holds the 200 MiB resident
  const pss = treePssMb(parent);
  expect(pss).toBeGreaterThan(200);
  expect(pss).toBeLessThan(300);
  expect(treePssMb(2 ** 22 + 1)).toBe(0); // no such process
});
