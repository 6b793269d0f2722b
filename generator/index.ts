export { buildCatalog, catalogCsv } from "./catalog";
export { CustomerBook, customerId } from "./customers";
export {
  DEFAULT_DEFECT_RATES,
  DEFECT_DESCRIPTIONS,
  DEFECT_KINDS,
  type DefectKind,
  type DefectRates,
  parseDefects,
} from "./defects";
export {
  generate,
  type GenerateOptions,
  type ResolvedOptions,
  resolveOptions,
  STREAM_EVENT_TYPES,
} from "./generate";
export { type Manifest, MANIFEST_FILE } from "./manifest";
