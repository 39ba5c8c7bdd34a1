import { describe, expect, it } from "vitest";
import {
  CloudCredentialError,
  describeCloudError,
} from "../../../../../src/sidecar/registry/cloud/describe-cloud-error.ts";

function named(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(Object.defineProperty(new Error(message), "name", { value: name }), extra);
}

describe("describeCloudError", () => {
  it.each([
    [
      named("AccessDeniedException", "not authorized", { $metadata: { httpStatusCode: 400 } }),
      "unauthorized",
    ],
    [named("InvalidIdentityToken", "Couldn't verify"), "unauthorized"],
    [named("CredentialsProviderError", "Could not load credentials from any providers"), "unauthorized"],
    [named("CredentialUnavailableError", "WorkloadIdentityCredential is unavailable"), "unauthorized"],
    [named("AuthenticationError", "AADSTS700213", { statusCode: 401 }), "unauthorized"],
    [named("GaxiosError", "forbidden", { response: { status: 403 } }), "unauthorized"],
    [new CloudCredentialError("exchange answered 401", 401), "unauthorized"],
    [named("GaxiosError", "server error", { status: 503 }), "unavailable"],
    [named("ThrottlingException", "Rate exceeded", { $metadata: { httpStatusCode: 400 } }), "unavailable"],
    [named("AuthenticationError", "AADSTS50196: request throttled", { statusCode: 429 }), "unavailable"],
    [named("TimeoutError", "socket hang up"), "unavailable"],
    [new CloudCredentialError("sent no JSON"), "unavailable"],
  ])("classifies %s", (error, kind) => {
    expect(describeCloudError(error).kind).toBe(kind);
  });

  it("makes one bounded line of name and message", () => {
    const { detail } = describeCloudError(named("AccessDenied", `line one\n  line two\t${"x".repeat(1000)}`));
    expect(detail.startsWith("AccessDenied: line one line two x")).toBe(true);
    expect(detail).toHaveLength(300);
    expect(detail).not.toMatch(/[\n\t]/);
  });

  it("describes what is not an Error", () => {
    expect(describeCloudError("boom")).toEqual({ kind: "unavailable", detail: "boom" });
  });
});
