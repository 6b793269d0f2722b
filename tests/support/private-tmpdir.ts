import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

/**
 * Points os.tmpdir() at a folder of the calling test file's own while its tests run. A test that checks what a tool
 * left in the temp folder (the bench's lakes, the Checkov runner's working folder) is then not confused by another
 * suite running the same tool in the next jest worker (a worker is a process of its own: the stand-in stays in this
 * one). Jest hands a test a copy of the environment, which Node's os.tmpdir() does not read, so TMPDIR cannot do this.
 */
export function usePrivateTmpdir(): void {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(os.tmpdir(), "c360-test-tmp-"));
    jest.spyOn(os, "tmpdir").mockReturnValue(dir);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
}
