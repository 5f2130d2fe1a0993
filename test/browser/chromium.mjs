// The flags every browser check launches Debian's chromium with (through playwright-core): headless,
// as root in a container (no sandbox), no GPU, and no traffic of its own (QUIC, first-run pages,
// background networking, component updates, sync), so that a check sees only the pages it opens.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
