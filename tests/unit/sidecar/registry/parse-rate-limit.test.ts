import { describe, expect, it } from "vitest";
import { parseRateLimit } from "../../../../src/sidecar/registry/parse-rate-limit.ts";

describe("parseRateLimit", () => {
  it.each([
    {
      name: "Docker Hub headers",
      headers: { "ratelimit-limit": "100;w=21600", "ratelimit-remaining": "76;w=21600" },
      expected: { remaining: 76, limit: 100, windowSeconds: 21600 },
    },
    {
      name: "remaining without window, limit with",
      headers: { "ratelimit-limit": "200;w=3600", "ratelimit-remaining": "0" },
      expected: { remaining: 0, limit: 200, windowSeconds: 3600 },
    },
    {
      name: "remaining only",
      headers: { "ratelimit-remaining": "5" },
      expected: { remaining: 5, limit: undefined, windowSeconds: undefined },
    },
    { name: "no headers (unlimited)", headers: {}, expected: undefined },
    { name: "garbage", headers: { "ratelimit-remaining": "lots" }, expected: undefined },
  ])("reads $name", ({ headers, expected }) => {
    expect(parseRateLimit(new Headers(headers as Record<string, string>))).toEqual(expected);
  });
});
