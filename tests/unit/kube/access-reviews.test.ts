import { describe, expect, it } from "vitest";
import { reviewAccess, reviewOwnAccess, reviewToken } from "../../../src/kube/access-reviews.ts";
import type { KubeRequest } from "../../../src/kube/create-kube-transport.ts";

/** Answers each review with `status`, recording what was sent. */
function transport(status: unknown) {
  const sent: KubeRequest[] = [];
  return {
    sent,
    call: async (request: KubeRequest) => {
      sent.push(request);
      return { status };
    },
  };
}

const check = {
  verb: "patch",
  group: "headwind.sh",
  resource: "updaterequests",
  subresource: "status",
  namespace: "shop",
};

describe("access reviews", () => {
  it("TokenReview: the user, or nothing when the token is not accepted", async () => {
    const ok = transport({ authenticated: true, user: { username: "alice", uid: "u1", groups: ["dev"] } });
    expect(await reviewToken(ok.call, "t")).toEqual({ username: "alice", uid: "u1", groups: ["dev"] });
    expect(ok.sent[0]).toMatchObject({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/tokenreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "t" } },
    });
    expect(await reviewToken(transport({ authenticated: false }).call, "t")).toBeUndefined();
  });

  it("SubjectAccessReview for someone, SelfSubjectAccessReview for oneself; a denial wins", async () => {
    const other = transport({ allowed: true });
    expect(await reviewAccess(other.call, { username: "bob", groups: ["g"] }, check)).toEqual({
      allowed: true,
    });
    expect(other.sent[0]?.body).toMatchObject({
      kind: "SubjectAccessReview",
      spec: { user: "bob", groups: ["g"], resourceAttributes: check },
    });
    const self = transport({ allowed: true, denied: true, reason: "policy" });
    expect(await reviewOwnAccess(self.call, check)).toEqual({ allowed: false, reason: "policy" });
    expect(self.sent[0]).toMatchObject({
      path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      body: { kind: "SelfSubjectAccessReview", spec: { resourceAttributes: check } },
    });
  });
});
