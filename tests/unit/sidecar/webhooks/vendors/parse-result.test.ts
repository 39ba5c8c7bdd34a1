import { describe, expect, it } from "vitest";
import { collect, invalid, parsed } from "../../../../../src/sidecar/webhooks/vendors/parse-result.ts";

const event = { vendor: "x", registry: "r.example", repository: "a" };

describe("parse-result", () => {
  it("sorts outcomes into events and reasons", () => {
    expect(collect([event, "skipped", event], "id-1")).toEqual({
      kind: "events",
      events: [event, event],
      ignored: ["skipped"],
      deliveryId: "id-1",
    });
  });

  it("leaves out an empty delivery id", () => {
    expect(parsed([], [], "")).toEqual({ kind: "events", events: [], ignored: [] });
  });

  it("wraps a message as an error", () => {
    expect(invalid("bad")).toEqual({ kind: "error", message: "bad" });
  });
});
