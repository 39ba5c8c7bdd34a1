import { describe, expect, it } from "vitest";
import { splitRepositoryKey } from "../../../../src/sidecar/registry/split-repository-key.ts";

describe("splitRepositoryKey", () => {
  it.each([
    { key: "docker.io/library/nginx", expected: { registry: "docker.io", repository: "library/nginx" } },
    { key: "127.0.0.1:5000/apps/web", expected: { registry: "127.0.0.1:5000", repository: "apps/web" } },
    { key: "ghcr.io/o/a/b", expected: { registry: "ghcr.io", repository: "o/a/b" } },
    { key: "nginx", expected: undefined },
    { key: "/nginx", expected: undefined },
    { key: "docker.io/", expected: undefined },
  ])("splits $key", ({ key, expected }) => {
    expect(splitRepositoryKey(key)).toEqual(expected);
  });
});
