/** Entry of a layer process (layer-process.ts): runs the one layer it is sent, in process, and reports back. */
import { runLayer } from "..";
import type { LayerMessage, LayerRequest } from "./layer-process";
import { cpuMsSince, peakRssMib } from "./session";

const send = (m: LayerMessage) => new Promise<void>((done) => process.send!(m, () => done()));

let reported = false;
// The parent went away (killed) before the summary: stop rather than go on writing the lake unobserved, beside the
// run a user may start again; the pipeline's reruns recover from a layer stopped midway.
process.once("disconnect", () => {
  if (!reported) process.exit(1);
});

process.once("message", (request: LayerRequest) => {
  void (async () => {
    const cpu0 = process.cpuUsage();
    const summary = await runLayer(request.layer, {
      ...request.params,
      engine: "duckdb",
      onProgress: (e) => void send({ progress: e }),
    });
    reported = true;
    // The process runs this one layer: its high-water mark is the layer's exact peak (no sampling to miss a spike),
    // and its CPU time since the request (every thread's, user and system) is the layer's.
    await send({ summary, peakRssMb: peakRssMib(), cpuMs: cpuMsSince(cpu0) });
    process.disconnect();
  })();
});
void send({ ready: true });
