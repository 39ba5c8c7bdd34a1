import { describe, expect, it } from "vitest";
import { rejectedError, statusError } from "../../../../src/sidecar/registry/status-error.ts";

const anonymous = { registry: "reg", repository: "a/b", credentials: undefined };
const withCredentials = { ...anonymous, credentials: { username: "u", password: "p" } };

describe("statusError", () => {
  it.each([
    {
      context: anonymous,
      status: 401,
      kind: "unauthorized",
      message: "unauthorized: reg requires credentials for a/b and none are configured",
    },
    {
      context: withCredentials,
      status: 401,
      kind: "unauthorized",
      message: "unauthorized: credentials for reg were rejected",
    },
    {
      context: withCredentials,
      status: 403,
      kind: "unauthorized",
      message: "unauthorized: credentials for reg do not allow pulling a/b",
    },
    { context: anonymous, status: 404, kind: "not-found", message: "not found: reg/a/b does not exist" },
    {
      context: anonymous,
      status: 500,
      kind: "unavailable",
      message: "unavailable: reg answered 500 for reg/a/b",
    },
    { context: anonymous, status: 400, kind: "protocol", message: "protocol: reg answered 400 for reg/a/b" },
  ])("$status ($context.credentials) → $kind", ({ context, status, kind, message }) => {
    expect(statusError(context, "reg/a/b", status)).toEqual({
      ok: false,
      error: { kind, registry: "reg", message, status },
    });
  });

  it("rejectedError matches statusError for 401", () => {
    expect(rejectedError(withCredentials, 401)).toEqual(statusError(withCredentials, "x", 401));
  });
});
