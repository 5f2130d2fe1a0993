export * from "./matrix";
export * from "./activations";
export * from "./loss";
export * from "./random";
export * from "./network";
export * from "./gradcheck";
export * from "./data";
