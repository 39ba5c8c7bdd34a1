import { describe, expect, it } from "vitest";
import { silentObserver } from "../../../../src/sidecar/registry/registry-observer.ts";

describe("silentObserver", () => {
  it("accepts every event and does nothing", () => {
    expect(silentObserver.request({ registry: "r", kind: "tags", code: "200" })).toBeUndefined();
    expect(silentObserver.rateLimitWait({ registry: "r", waitMs: 1 })).toBeUndefined();
    expect(silentObserver.invalidReference({ registry: "r", kind: "tag", count: 1 })).toBeUndefined();
    expect(silentObserver.tokenCache({ entries: 0, bytes: 0 })).toBeUndefined();
  });
});
