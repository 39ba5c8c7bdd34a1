import { describe, expect, it } from "vitest";
import { clip, logLevelOf, refuse } from "../../../../src/sidecar/webhooks/delivery-outcome.ts";

describe("delivery-outcome", () => {
  it("refuses with {error} and logs the reason", () => {
    expect(refuse("bad_request", 400, "missing action")).toEqual({
      outcome: "bad_request",
      status: 400,
      body: { error: "missing action" },
      log: { reason: "missing action" },
    });
  });

  it("lets a finer log reason replace the public one", () => {
    expect(refuse("unauthorized", 401, "unauthorized", { reason: "wrong Authorization header" }).log).toEqual(
      {
        reason: "wrong Authorization header",
      },
    );
  });

  it.each([
    [undefined, undefined],
    ["short", "short"],
    ["x".repeat(300), `${"x".repeat(200)}…`],
  ])("clip(%#)", (text, expected) => {
    expect(clip(text)).toBe(expected);
  });

  it.each([
    ["accepted", "info"],
    ["unavailable", "error"],
    ["replay", "warn"],
    ["not_found", "warn"],
  ] as const)("logs %s at %s", (outcome, level) => {
    expect(logLevelOf(outcome)).toBe(level);
  });
});
