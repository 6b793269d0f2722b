/** Entry of a layer process (layer-process.ts): runs the one layer it is sent, in process, and reports back. */
import { runLayer } from "..";
import type { LayerMessage, LayerRequest } from "./layer-process";

const send = (m: LayerMessage) => new Promise<void>((done) => process.send!(m, () => done()));

let reported = false;
// The parent went away (killed) before the summary: stop rather than go on writing the lake unobserved, beside the
// run a user may start again; the pipeline's reruns recover from a layer stopped midway.
process.once("disconnect", () => {
  if (!reported) process.exit(1);
});

process.once("message", (request: LayerRequest) => {
  void (async () => {
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
    const summary = await runLayer(request.layer, {
      ...request.params,
      engine: "duckdb",
      onProgress: (e) => void send({ progress: e }),
    });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    reported = true;
    await send({ summary, peakRssMb: Math.round(peak / 2 ** 20) });
    process.disconnect();
  })();
});
void send({ ready: true });
