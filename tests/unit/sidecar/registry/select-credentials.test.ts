import { describe, expect, it } from "vitest";
import { selectCredentials } from "../../../../src/sidecar/registry/select-credentials.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("selectCredentials", () => {
  it.each([
    {
      name: "host key with username and password",
      configs: [{ auths: { "reg.example": { username: "u", password: "p" } } }],
      registry: "reg.example",
      expected: { username: "u", password: "p" },
    },
    {
      name: "https:// key with base64 auth (password keeps its colons)",
      configs: [{ auths: { "https://127.0.0.1:5000": { auth: b64("u:p:with:colons") } } }],
      registry: "127.0.0.1:5000",
      expected: { username: "u", password: "p:with:colons" },
    },
    {
      name: "Docker Hub's legacy key",
      configs: [{ auths: { "https://index.docker.io/v1/": { auth: b64("hub:secret") } } }],
      registry: "docker.io",
      expected: { username: "hub", password: "secret" },
    },
    {
      name: "Docker Hub alias index.docker.io",
      configs: [{ auths: { "index.docker.io": { username: "hub", password: "s" } } }],
      registry: "docker.io",
      expected: { username: "hub", password: "s" },
    },
    {
      name: "case-insensitive host, path ignored",
      configs: [{ auths: { "https://REG.example/v2/": { username: "u", password: "p" } } }],
      registry: "reg.example",
      expected: { username: "u", password: "p" },
    },
    {
      name: "first secret wins; malformed entries are skipped",
      configs: [
        "not a config",
        { auths: { "reg.example": { auth: b64("no-colon") } } },
        { auths: { "reg.example": { username: "second", password: "2" } } },
        { auths: { "reg.example": { username: "third", password: "3" } } },
      ],
      registry: "reg.example",
      expected: { username: "second", password: "2" },
    },
    {
      name: "port must match",
      configs: [{ auths: { "reg.example:5000": { username: "u", password: "p" } } }],
      registry: "reg.example",
      expected: undefined,
    },
    {
      name: "another registry's entry is not used",
      configs: [{ auths: { "other.example": { username: "u", password: "p" } } }],
      registry: "reg.example",
      expected: undefined,
    },
    { name: "no configs: anonymous", configs: [], registry: "docker.io", expected: undefined },
    {
      name: "no auths map",
      configs: [{ credsStore: "desktop" }],
      registry: "docker.io",
      expected: undefined,
    },
  ])("$name", ({ configs, registry, expected }) => {
    expect(selectCredentials(configs, registry)).toEqual(expected);
  });
});
