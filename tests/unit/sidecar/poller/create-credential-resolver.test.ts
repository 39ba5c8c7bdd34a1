import { describe, expect, it } from "vitest";
import {
  createCredentialResolver,
  sharedCredentials,
} from "../../../../src/sidecar/poller/create-credential-resolver.ts";
import type { NamespaceUse, SecretRef } from "../../../../src/sidecar/poller/merge-interest.ts";

const auths = (host: string, username: string) => ({ auths: { [host]: { username, password: "pw" } } });
const use = (namespace: string, secrets: string[] = [], digestTags: string[] = []): NamespaceUse => ({
  namespace,
  pullSecrets: secrets.map((name) => ({ namespace, name })),
  digestTags,
});

function loader(secrets: Record<string, unknown>) {
  const loaded: string[] = [];
  const load = async (refs: readonly SecretRef[]) => {
    const keys = refs.map((ref) => `${ref.namespace}/${ref.name}`);
    loaded.push(...keys);
    const values = keys.map((key) => secrets[key]);
    const broken = values.find((value) => value instanceof Error);
    if (broken) throw broken;
    return values.filter((value) => value !== undefined);
  };
  return { load, loaded };
}

describe("createCredentialResolver", () => {
  it("gives a namespace with its own credentials its own scope; the rest share one", async () => {
    const secrets = loader({
      "team-a/pull": auths("reg.io", "a"),
      "team-b/pull": auths("reg.io", "b"),
      // Credentials for another registry are no credentials here.
      "team-c/pull": auths("other.io", "c"),
    });
    const resolve = createCredentialResolver({
      loadDockerConfigs: secrets.load,
      sharedCredentials: async () => undefined,
    });
    const resolution = await resolve("reg.io", [
      use("team-a", ["pull"], ["latest"]),
      use("team-b", ["pull"]),
      use("team-c", ["pull"], ["edge"]),
      use("team-d", [], ["edge", "beta"]),
    ]);
    expect(resolution.failed).toEqual([]);
    expect(resolution.scopes).toEqual([
      {
        namespace: "team-a",
        credentials: { username: "a", password: "pw" },
        namespaces: ["team-a"],
        digestTags: ["latest"],
      },
      {
        namespace: "team-b",
        credentials: { username: "b", password: "pw" },
        namespaces: ["team-b"],
        digestTags: [],
      },
      {
        namespace: undefined,
        credentials: undefined,
        namespaces: ["team-c", "team-d"],
        digestTags: ["beta", "edge"],
      },
    ]);
  });

  it("reads the shared scope with the shared credentials, and only when some namespace needs it", async () => {
    const asked: string[] = [];
    const secrets = loader({ "team-a/pull": auths("reg.io", "a") });
    const resolve = createCredentialResolver({
      loadDockerConfigs: secrets.load,
      sharedCredentials: async (registry) => {
        asked.push(registry);
        return { username: "operator", password: "pw" };
      },
    });
    expect((await resolve("reg.io", [use("team-a", ["pull"])])).scopes.map((s) => s.namespace)).toEqual([
      "team-a",
    ]);
    expect(asked).toEqual([]);
    const shared = await resolve("reg.io", [use("team-z")]);
    expect(shared.scopes).toEqual([
      {
        namespace: undefined,
        credentials: { username: "operator", password: "pw" },
        namespaces: ["team-z"],
        digestTags: [],
      },
    ]);
    expect(asked).toEqual(["reg.io"]);
  });

  it("a namespace whose Secrets cannot be loaded fails alone", async () => {
    const secrets = loader({
      "team-a/pull": auths("reg.io", "a"),
      "team-b/pull": new Error("apiserver 500"),
    });
    const resolve = createCredentialResolver({
      loadDockerConfigs: secrets.load,
      sharedCredentials: async () => undefined,
    });
    const resolution = await resolve("reg.io", [
      use("team-a", ["pull"]),
      use("team-b", ["pull"]),
      use("team-c"),
    ]);
    expect(resolution.scopes.map((scope) => scope.namespace)).toEqual(["team-a", undefined]);
    expect(resolution.failed).toEqual([{ namespace: "team-b", message: "credentials: apiserver 500" }]);
  });

  it("reports failing shared credentials without losing the namespaces' own scopes", async () => {
    const secrets = loader({ "team-a/pull": auths("reg.io", "a") });
    const resolve = createCredentialResolver({
      loadDockerConfigs: secrets.load,
      sharedCredentials: async () => Promise.reject(new Error("no operator secret")),
    });
    const resolution = await resolve("reg.io", [use("team-a", ["pull"]), use("team-b")]);
    expect(resolution.scopes.map((scope) => scope.namespace)).toEqual(["team-a"]);
    expect(resolution.failed).toEqual([{ namespace: undefined, message: "no operator secret" }]);
  });
});

describe("sharedCredentials", () => {
  it("selects the registry's entry from the operator's Secrets, loading nothing when there are none", async () => {
    const secrets = loader({ "headwind/global": auths("reg.io", "operator") });
    const refs = [{ namespace: "headwind", name: "global" }];
    expect(await sharedCredentials(secrets.load, refs)("reg.io")).toEqual({
      username: "operator",
      password: "pw",
    });
    expect(await sharedCredentials(secrets.load, refs)("other.io")).toBeUndefined();
    expect(secrets.loaded).toEqual(["headwind/global", "headwind/global"]);
    expect(await sharedCredentials(secrets.load, [])("reg.io")).toBeUndefined();
    expect(secrets.loaded).toHaveLength(2);
  });
});
