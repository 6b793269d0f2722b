export * from "./json-schema";
export * from "./lake-layout";
export * from "./metrics";
export * from "./normalize";
export * from "./schemas";
export * from "./validator";
export * from "./vocabulary";
