export * from "./taxonomy";
export * from "./normalize";
export * from "./hash";
