import { describe, expect, it } from "vitest";
import { registryError } from "../../../../src/sidecar/registry/registry-result.ts";

describe("registryError", () => {
  it.each([
    {
      kind: "not-found",
      status: 404,
      expected: { kind: "not-found", registry: "r", message: "not found: x", status: 404 },
    },
    {
      kind: "rate-limited",
      status: undefined,
      expected: { kind: "rate-limited", registry: "r", message: "rate limited: x" },
    },
    {
      kind: "unauthorized",
      status: 401,
      expected: { kind: "unauthorized", registry: "r", message: "unauthorized: x", status: 401 },
    },
  ] as const)("prefixes the message with the kind ($kind)", ({ kind, status, expected }) => {
    expect(registryError(kind, "r", "x", status)).toEqual(expected);
  });
});
