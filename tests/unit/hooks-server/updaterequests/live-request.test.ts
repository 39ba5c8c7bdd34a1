import { describe, expect, it } from "vitest";
import { liveRefusal, withLiveObjects } from "../../../../src/hooks-server/updaterequests/live-request.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import {
  aChartUpdateRequest,
  aDeployment,
  anUpdateRequest,
  aPod,
  urRequest,
} from "../../../helpers/update-requests.ts";

describe("liveRefusal", () => {
  const hinted = anUpdateRequest({ phase: "Applying" });

  it("accepts the same object, whatever its state now", () => {
    expect(liveRefusal(hinted, anUpdateRequest({ phase: "Pending" }))).toBeUndefined();
  });

  it("refuses a request that does not exist, or is another object by now", () => {
    expect(liveRefusal(hinted, undefined)).toEqual({
      reason: "no-update-request",
      message: "UpdateRequest shop/web-nginx-0b80d67fed does not exist",
    });
    const other = { ...hinted, metadata: { ...hinted.metadata, uid: "ur-9" } };
    expect(liveRefusal(hinted, other)?.reason).toBe("uid-mismatch");
  });
});

describe("withLiveObjects", () => {
  it("puts the live request and target in place of the body's, keeping the Pods", () => {
    const forgedTarget = aDeployment("nginx:1.25.3");
    const pods = [aPod("web-1", "nginx:1.27.0")];
    const request = urRequest(anUpdateRequest({ phase: "Applying" }), forgedTarget, pods);
    const live = anUpdateRequest({ phase: "Pending" });
    const liveTarget = aDeployment("nginx:1.26.0");
    const rebuilt = withLiveObjects(request, live, liveTarget);
    expect(rebuilt.object).toBe(live);
    expect(rebuilt.related["Deployment.apps/v1"]).toEqual({ "shop/web": liveTarget });
    expect(rebuilt.related["Pod.v1"]).toEqual(request.related["Pod.v1"]);
  });

  it("drops a related target the apiserver does not have", () => {
    const request = urRequest(anUpdateRequest({ phase: "Applying" }), aDeployment("nginx:1.25.3"));
    expect(withLiveObjects(request, anUpdateRequest(), undefined).related["Deployment.apps/v1"]).toEqual({});
  });

  it("puts the live HelmRelease in place of the body's for a chart request", () => {
    const ur = aChartUpdateRequest({ phase: "Applying" });
    const key = "HelmRelease.helm.toolkit.fluxcd.io/v2";
    const request = { ...urRequest(ur), related: { [key]: { "shop/web": aHelmRelease("6.6.0") } } };
    const live = aHelmRelease("6.5.0");
    expect(withLiveObjects(request, ur, live).related[key]).toEqual({ "shop/web": live });
  });
});
