import { describe, expect, it } from "vitest";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { readSourceCredentials } from "../../../../src/sidecar/runtime/read-source-credentials.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const ref = { namespace: "shop", name: "creds" };

function kubeWith(data: Record<string, string>) {
  const fake = fakeSidecarKube();
  fake.state.secrets.set("shop/creds", { metadata: { name: "creds", namespace: "shop" }, data });
  return fake.kube;
}

describe("readSourceCredentials", () => {
  it("no secretRef: anonymous", async () => {
    expect(await readSourceCredentials(fakeSidecarKube().kube, undefined)).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it("username and password keys (HelmRepository basic auth)", async () => {
    const kube = kubeWith({ username: b64("robot"), password: b64("pw") });
    expect(await readSourceCredentials(kube, ref)).toEqual({
      ok: true,
      value: { username: "robot", password: "pw" },
    });
  });

  it("a dockerconfigjson matched to the OCI registry", async () => {
    const config = { auths: { "ghcr.io": { username: "bot", password: "tok" } } };
    const kube = kubeWith({ ".dockerconfigjson": b64(JSON.stringify(config)) });
    expect(await readSourceCredentials(kube, ref, "ghcr.io")).toEqual({
      ok: true,
      value: { username: "bot", password: "tok" },
    });
    expect(await readSourceCredentials(kube, ref, "quay.io")).toEqual({
      ok: false,
      error: "unauthorized: Secret shop/creds holds no username/password or credentials for quay.io",
    });
  });

  it("a missing Secret, or one the sidecar may not read, is that source's error", async () => {
    expect(await readSourceCredentials(fakeSidecarKube().kube, ref)).toEqual({
      ok: false,
      error: "unauthorized: Secret shop/creds not found",
    });
    const forbidden = fakeSidecarKube();
    forbidden.fail("getSecret", new KubeApiError(403, "forbidden", "Forbidden"));
    expect(await readSourceCredentials(forbidden.kube, ref)).toEqual({
      ok: false,
      error: "unauthorized: may not read Secret shop/creds: bind headwind-sidecar-pull-secrets in shop",
    });
  });
});
