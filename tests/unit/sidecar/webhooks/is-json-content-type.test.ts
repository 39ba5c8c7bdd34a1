import { describe, expect, it } from "vitest";
import { isJsonContentType } from "../../../../src/sidecar/webhooks/is-json-content-type.ts";

describe("isJsonContentType", () => {
  // columns: Content-Type | accepted
  it.each([
    ["application/json", true],
    ["application/json; charset=UTF-8", true],
    ["Application/JSON", true],
    ["application/vnd.docker.distribution.events.v1+json", true],
    ["application/vnd.docker.distribution.events.v2+json", true],
    ["application/cloudevents+json; charset=utf-8", true],
    ["application/x-www-form-urlencoded", false],
    ["text/plain", false],
    ["application/jsonx", false],
    ["", false],
    [null, false],
  ])("%j → %s", (value, accepted) => {
    expect(isJsonContentType(value)).toBe(accepted);
  });
});
