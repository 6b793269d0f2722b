import { type ChildProcess, spawn } from "node:child_process";

const running = new Set<ChildProcess>();

// Children must never outlive us, even when the parent exits on an error.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface ManagedProcess {
  pid: number;
  output: () => string;
  exited: () => boolean;
  stop: () => Promise<void>;
}

/** Starts a Node script as a child process, keeping the last few KB of its output for error messages. */
export function startNodeProcess(name: string, script: string, args: string[], cwd?: string): ManagedProcess {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  running.add(child);
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => running.delete(child));
  return {
    pid: child.pid,
    output: () => tail,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
