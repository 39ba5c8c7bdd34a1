import { describe, expect, it } from "vitest";
import { parseWwwAuthenticate } from "../../../../src/sidecar/registry/parse-www-authenticate.ts";

describe("parseWwwAuthenticate", () => {
  it.each([
    {
      name: "Docker Hub bearer",
      header:
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:acme/web:pull"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.docker.io/token",
            service: "registry.docker.io",
            scope: "repository:acme/web:pull",
          },
        },
      ],
    },
    {
      name: "basic",
      header: 'Basic realm="Registry Realm"',
      expected: [{ scheme: "basic", params: { realm: "Registry Realm" } }],
    },
    {
      name: "two challenges, spaces and a bare token value",
      header: 'Bearer realm="https://r/token", service=reg , Basic realm="x"',
      expected: [
        { scheme: "bearer", params: { realm: "https://r/token", service: "reg" } },
        { scheme: "basic", params: { realm: "x" } },
      ],
    },
    {
      name: "escaped quotes and mixed-case names",
      header: 'BEARER Realm="a\\"b",Scope="repository:x:pull,push"',
      expected: [{ scheme: "bearer", params: { realm: 'a"b', scope: "repository:x:pull,push" } }],
    },
    { name: "scheme only", header: "Negotiate", expected: [{ scheme: "negotiate", params: {} }] },
    { name: "empty", header: "", expected: [] },
    { name: "absent", header: null, expected: [] },
  ])("parses $name", ({ header, expected }) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});
