export const hello = (n: number) => `hello ${n}`;
