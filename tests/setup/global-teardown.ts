import type { LocalServices } from "../../local/services";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __c360Services?: LocalServices }).__c360Services?.stop();
}
