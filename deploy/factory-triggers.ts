/**
 * Data Factory triggers through the Azure Resource Manager REST API (api-version 2018-06-01):
 * list a factory's triggers, stop one, start one. Stop and start are long-running operations:
 * a 202 answer is followed through its `Azure-AsyncOperation` or `Location` header until done.
 *
 * `endpoint` and `token` are injected: Azure's management endpoint and an Entra ID token in
 * `npm run deploy`, a local stand-in that records the calls in the tests.
 */
export const ARM_API_VERSION = "2018-06-01";
export const ARM_SCOPE = "https://management.azure.com/.default";

export interface FactoryTrigger {
  name: string;
  /** TumblingWindowTrigger, ScheduleTrigger, … */
  type: string;
  /** Started, Stopped or Disabled. */
  runtimeState: string;
}

export interface TriggerApi {
  list(): Promise<FactoryTrigger[]>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
}

export interface ArmOptions {
  /** e.g. https://management.azure.com (no trailing slash needed). */
  endpoint: string;
  /** ARM id of the factory: /subscriptions/…/resourceGroups/…/providers/Microsoft.DataFactory/factories/… */
  factoryId: string;
  token: () => Promise<string>;
  /** Wait between polls of a long-running operation (Retry-After wins when given). */
  pollIntervalMs?: number;
  /** Give up on a long-running operation after this long. */
  pollTimeoutMs?: number;
}

export class ArmRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ArmRequestError";
  }
}

const FACTORY_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DataFactory\/factories\/[^/]+$/i;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function armTriggerApi(options: ArmOptions): TriggerApi {
  if (!FACTORY_ID.test(options.factoryId))
    throw new Error(`"${options.factoryId}" is not a Data Factory resource id`);
  const base = options.endpoint.replace(/\/+$/, "");
  const triggersUrl = `${base}${options.factoryId}/triggers`;
  const withVersion = (url: string) =>
    url.includes("api-version=") ? url : `${url}?api-version=${ARM_API_VERSION}`;

  const call = async (method: string, url: string): Promise<Response> => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${await options.token()}`, "content-type": "application/json" },
    });
    if (res.status >= 400) {
      const text = await res.text();
      let detail = text;
      try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        if (body.error) detail = `${body.error.code ?? ""}: ${body.error.message ?? ""}`;
      } catch {
        // not JSON: keep the text
      }
      throw new ArmRequestError(res.status, `${method} ${url} answered ${res.status} ${detail}`.trim());
    }
    return res;
  };

  /**
   * Follows a 202 until the operation ends: `Azure-AsyncOperation` answers a status document
   * (InProgress → Succeeded | Failed | Canceled); `Location` answers 202 until done.
   */
  const untilDone = async (accepted: Response, what: string): Promise<void> => {
    if (accepted.status !== 202) return;
    const asyncUrl = accepted.headers.get("azure-asyncoperation");
    const url = asyncUrl ?? accepted.headers.get("location");
    if (!url) throw new Error(`${what}: 202 without an Azure-AsyncOperation or Location header`);
    const timeoutMs = options.pollTimeoutMs ?? 10 * 60_000;
    const deadline = Date.now() + timeoutMs;
    let last = accepted;
    for (;;) {
      const retryAfter = Number(last.headers.get("retry-after"));
      await sleep(retryAfter > 0 ? retryAfter * 1000 : (options.pollIntervalMs ?? 2000));
      last = await call("GET", url);
      if (asyncUrl) {
        const body = (await last.json().catch(() => ({}))) as { status?: string; error?: unknown };
        if (body.status === "Succeeded") return;
        if (body.status === "Failed" || body.status === "Canceled")
          throw new Error(`${what}: operation ${body.status} ${JSON.stringify(body.error ?? {})}`);
      } else if (last.status !== 202) return;
      if (Date.now() > deadline) throw new Error(`${what}: still running after ${timeoutMs} ms`);
    }
  };

  return {
    async list() {
      const triggers: FactoryTrigger[] = [];
      let url: string | undefined = withVersion(triggersUrl);
      while (url) {
        const body = (await (await call("GET", url)).json()) as {
          value?: { name: string; properties?: { type?: string; runtimeState?: string } }[];
          nextLink?: string;
        };
        for (const t of body.value ?? [])
          triggers.push({
            name: t.name,
            type: t.properties?.type ?? "",
            runtimeState: t.properties?.runtimeState ?? "",
          });
        url = body.nextLink;
      }
      return triggers;
    },
    async stop(name) {
      const url = withVersion(`${triggersUrl}/${encodeURIComponent(name)}/stop`);
      await untilDone(await call("POST", url), `stop ${name}`);
    },
    async start(name) {
      const url = withVersion(`${triggersUrl}/${encodeURIComponent(name)}/start`);
      await untilDone(await call("POST", url), `start ${name}`);
    },
  };
}
