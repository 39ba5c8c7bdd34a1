import { describe, expect, it } from "vitest";
import { groupBase, resourcePath } from "../../../src/kube/api-paths.ts";

describe("api paths", () => {
  it.each([
    ["v1", "/api/v1"],
    ["apps/v1", "/apis/apps/v1"],
  ])("groupBase(%s) = %s", (apiVersion, base) => expect(groupBase(apiVersion)).toBe(base));

  it("builds collection, object and subresource paths, encoding names", () => {
    expect(resourcePath({ apiVersion: "apps/v1", resource: "deployments" })).toBe(
      "/apis/apps/v1/deployments",
    );
    expect(resourcePath({ apiVersion: "v1", resource: "configmaps", namespace: "hw" }, "a/b")).toBe(
      "/api/v1/namespaces/hw/configmaps/a%2Fb",
    );
    expect(
      resourcePath(
        { apiVersion: "headwind.sh/v1alpha1", resource: "updaterequests", namespace: "n" },
        "u",
        "status",
      ),
    ).toBe("/apis/headwind.sh/v1alpha1/namespaces/n/updaterequests/u/status");
  });
});
