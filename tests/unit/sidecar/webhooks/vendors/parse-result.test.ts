import { describe, expect, it } from "vitest";
import {
  collect,
  firstEntries,
  invalid,
  maxEntriesPerDelivery,
  parsed,
  withOverLimit,
} from "../../../../../src/sidecar/webhooks/vendors/parse-result.ts";

const event = { vendor: "x", registry: "r.example", repository: "a" };

describe("parse-result", () => {
  it("sorts outcomes into events, reasons and invalid references", () => {
    expect(collect([event, "skipped", { invalid: "not an OCI tag" }, event], "id-1")).toEqual({
      kind: "events",
      events: [event, event],
      ignored: ["skipped"],
      invalid: ["not an OCI tag"],
      deliveryId: "id-1",
    });
  });

  it("leaves out an empty delivery id", () => {
    expect(parsed([], [], "")).toEqual({ kind: "events", events: [], ignored: [], invalid: [] });
  });

  it("wraps a message as an error", () => {
    expect(invalid("bad")).toEqual({ kind: "error", message: "bad" });
  });

  it("reads at most maxEntriesPerDelivery entries and says how many it left", () => {
    const many = Array.from({ length: maxEntriesPerDelivery + 5 }, (_, i) => i);
    const { kept, over } = firstEntries(many);
    expect([kept.length, over]).toEqual([maxEntriesPerDelivery, 5]);
    expect(firstEntries([1, 2])).toEqual({ kept: [1, 2], over: 0 });
    expect(withOverLimit(parsed([], []), 5)).toMatchObject({ overLimit: 5 });
    expect(withOverLimit(parsed([], []), 0)).not.toHaveProperty("overLimit");
    expect(withOverLimit(invalid("bad"), 5)).toEqual(invalid("bad"));
  });
});
