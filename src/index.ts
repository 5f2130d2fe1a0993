export const hello = (n: number) => `hello ${n}`;
export * from "./plot";
export * from "./display";
