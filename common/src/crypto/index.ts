export * from "./compare";
export * from "./keys";
export * from "./dx-key";
export * from "./secret-box";
export * from "./jwe";
