/**
 * Starts Azurite and the Cosmos DB server once for the whole jest run and exports their settings
 * through the environment, so every worker's startLocalServices() reuses them (tests isolate
 * themselves by unique container and database names).
 */
import { type LocalServices, servicesEnvironment, startLocalServices } from "../../local/services";

export default async function globalSetup(): Promise<void> {
  const services = await startLocalServices();
  (globalThis as { __c360Services?: LocalServices }).__c360Services = services;
  Object.assign(process.env, servicesEnvironment(services));
}
