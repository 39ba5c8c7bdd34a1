import { describe, expect, it } from "vitest";
import { WebhookConfigError } from "../../../../src/sidecar/webhooks/webhook-config-error.ts";

describe("WebhookConfigError", () => {
  it("carries every problem and lists them in the message", () => {
    const error = new WebhookConfigError(["a is wrong", "b is missing"]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("WebhookConfigError");
    expect(error.problems).toEqual(["a is wrong", "b is missing"]);
    expect(error.message).toBe("invalid webhook config:\n  - a is wrong\n  - b is missing");
  });
});
