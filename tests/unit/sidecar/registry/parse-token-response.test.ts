import { describe, expect, it } from "vitest";
import { parseTokenResponse } from "../../../../src/sidecar/registry/parse-token-response.ts";

describe("parseTokenResponse", () => {
  it.each([
    {
      name: "token with expiry",
      body: { token: "t", expires_in: 300 },
      expected: { token: "t", expiresInSeconds: 300 },
    },
    {
      name: "access_token only",
      body: { access_token: "a" },
      expected: { token: "a", expiresInSeconds: 60 },
    },
    {
      name: "both: token wins",
      body: { token: "t", access_token: "a" },
      expected: { token: "t", expiresInSeconds: 60 },
    },
    {
      name: "empty token falls back",
      body: { token: "", access_token: "a" },
      expected: { token: "a", expiresInSeconds: 60 },
    },
    {
      name: "expiry below 60 s is raised to 60",
      body: { token: "t", expires_in: 10 },
      expected: { token: "t", expiresInSeconds: 60 },
    },
    {
      name: "non-numeric expiry means 60",
      body: { token: "t", expires_in: "300" },
      expected: { token: "t", expiresInSeconds: 60 },
    },
    { name: "no token", body: { expires_in: 300 }, expected: undefined },
    { name: "not an object", body: "token", expected: undefined },
    { name: "null", body: null, expected: undefined },
  ])("reads $name", ({ body, expected }) => {
    expect(parseTokenResponse(body)).toEqual(expected);
  });
});
