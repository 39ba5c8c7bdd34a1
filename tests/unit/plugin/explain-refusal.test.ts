import { describe, expect, it } from "vitest";
import { KubeApiError } from "../../../src/kube/kube-api-error.ts";
import { explainRefusal } from "../../../src/plugin/explain-refusal.ts";

describe("explainRefusal", () => {
  it("says what the command needs and which role grants it", () => {
    const error = new KubeApiError(
      403,
      'PATCH …: HTTP 403 User "bob" cannot patch resource "updaterequests/status"',
    );
    expect(explainRefusal("approve", "shop", error)).toBe(
      'refused: PATCH …: HTTP 403 User "bob" cannot patch resource "updaterequests/status"\n' +
        "kubectl headwind approve needs patch on updaterequests/status (the headwind-approver ClusterRole, or edit) in namespace shop",
    );
  });

  it("tells rejected credentials apart, and leaves other failures to the caller", () => {
    expect(explainRefusal("list", "x", new KubeApiError(401, "Unauthorized"))).toMatch(
      /did not accept your credentials/,
    );
    expect(explainRefusal("list", "x", new KubeApiError(500, "boom"))).toBeUndefined();
    expect(explainRefusal("list", "x", new Error("no"))).toBeUndefined();
  });
});
