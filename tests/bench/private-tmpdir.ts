import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

/**
 * Points os.tmpdir() at a folder of the calling test file's own while its tests run. The bench makes its lakes
 * there, so a test's check that the bench removed them is not confused by another suite's bench running in the next
 * jest worker (a worker is a process of its own: the stand-in stays in this one). Jest hands a test a copy of the
 * environment, which Node's os.tmpdir() does not read, so TMPDIR cannot do this.
 */
export function usePrivateTmpdir(): void {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(os.tmpdir(), "c360-bench-test-"));
    jest.spyOn(os, "tmpdir").mockReturnValue(dir);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
}
