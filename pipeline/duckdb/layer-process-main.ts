/** Entry of a layer process (layer-process.ts): runs the one layer it is sent, in process, and reports back. */
import { runLayer } from "..";
import type { LayerMessage, LayerRequest } from "./layer-process";

const send = (m: LayerMessage) => new Promise<void>((done) => process.send!(m, () => done()));

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
    await send({ summary, peakRssMb: Math.round(peak / 2 ** 20) });
    process.disconnect();
  })();
});
void send({ ready: true });
