/**
 * Preloaded (`node --import`) into an entry point a test starts: its fetch refuses anything but
 * 127.0.0.1, with no DNS lookup and no packet. Other cluster-tier files leave annotated workloads
 * naming registries such as registry.test:5000, which a sidecar would otherwise try to poll.
 */
const inner = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.hostname !== "127.0.0.1") throw new TypeError(`test process refuses non-loopback ${url.origin}`);
  return inner(input, init);
};
