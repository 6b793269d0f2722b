/** What the runner hands an engine adapter for one layer run. */
import type { Layer, Model } from "../models";
import type { ProgressEvent } from "./summary";
import type { RunContext } from "./types";

export interface LayerRun {
  layer: Layer;
  /** The layer's models in dependency order (views included). */
  models: Model[];
  rc: RunContext;
  lakeDir: string;
  modelsDir?: string;
  onProgress?: (e: ProgressEvent) => void;
}
