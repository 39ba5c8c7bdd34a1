import { describe, expect, it } from "vitest";
import {
  DeliveryError,
  isRetryableDelivery,
} from "../../../../src/hooks-server/notify/is-retryable-delivery.ts";

const network = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: { code } });

describe("isRetryableDelivery", () => {
  // columns: failure | may be sent again
  it.each<[string, unknown, boolean]>([
    ["HTTP 500", new DeliveryError(500), true],
    ["HTTP 503", new DeliveryError(503), true],
    ["HTTP 429", new DeliveryError(429), true],
    ["HTTP 400", new DeliveryError(400), false],
    ["HTTP 404", new DeliveryError(404), false],
    ["connection refused", network("ECONNREFUSED"), true],
    ["unknown host", network("ENOTFOUND"), true],
    ["connection reset mid-request", network("ECONNRESET"), false],
    ["a timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError"), false],
    ["the budget ran out", new DOMException("This operation was aborted", "AbortError"), false],
    ["anything else", new Error("x"), false],
  ])("%s: %s", (_what, error, retry) => {
    expect(isRetryableDelivery(error)).toBe(retry);
  });
});
