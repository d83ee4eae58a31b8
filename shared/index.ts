/** Entry of the shared package: everything both server and client agree on. */
export * from "./constants.ts";
export * from "./schema.ts";
export * from "./simulation.ts";
export * from "./random.ts";
export * from "./text.ts";
export * from "./duration.ts";
export * from "./names.ts";
export * from "./chat.ts";
export * from "./chatCommands.ts";
export * from "./protocol.ts";
export * from "./identity.ts";
