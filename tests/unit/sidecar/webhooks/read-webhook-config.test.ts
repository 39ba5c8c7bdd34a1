import { describe, expect, it } from "vitest";
import { readWebhookConfig } from "../../../../src/sidecar/webhooks/read-webhook-config.ts";
import { WebhookConfigError } from "../../../../src/sidecar/webhooks/webhook-config-error.ts";

const env = {
  HUB_PATH: "b7Jx0qS3kzV9c1nR4tW8yE2uI6oP5aLm",
  GITHUB_SECRET: "gh-secret",
  HARBOR_TOKEN: "Bearer harbor-token",
  EMPTY: "",
};
const files: Record<string, string> = { "/secrets/nexus": "nexus-secret\n", "/secrets/blank": "\n" };
const readers = {
  env,
  readFile: (path: string) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return content;
  },
};

const yaml = `
sources:
  - name: hub
    vendor: dockerhub
    pathEnv: HUB_PATH
    auth: { type: none-secret-path }
  - name: github
    vendor: github
    path: github-acme
    auth: { type: hmac-sha256, secretEnv: GITHUB_SECRET }
  - name: harbor
    vendor: harbor
    path: harbor
    auth: { type: header-token, secretEnv: HARBOR_TOKEN }
  - name: nexus
    vendor: nexus
    path: nexus
    registry: Nexus.Acme.Example:8082
    auth: { type: hmac-sha1, secretFile: /secrets/nexus }
  - name: ci
    vendor: generic
    path: ci
    auth: { type: generic-hmac-timestamp, secretEnv: GITHUB_SECRET, toleranceSeconds: 60 }
`;

function problemsOf(text: string): readonly string[] {
  try {
    readWebhookConfig(text, readers);
  } catch (error) {
    if (error instanceof WebhookConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a WebhookConfigError");
}

describe("readWebhookConfig", () => {
  it("reads sources with secrets resolved and vendor defaults filled in", () => {
    expect(readWebhookConfig(yaml, readers).sources).toEqual([
      {
        name: "hub",
        vendor: "dockerhub",
        path: env.HUB_PATH,
        registry: undefined,
        auth: { type: "none-secret-path" },
      },
      {
        name: "github",
        vendor: "github",
        path: "github-acme",
        registry: undefined,
        auth: { type: "hmac-sha256", header: "x-hub-signature-256", secret: "gh-secret" },
      },
      {
        name: "harbor",
        vendor: "harbor",
        path: "harbor",
        registry: undefined,
        auth: { type: "header-token", header: "authorization", secret: "Bearer harbor-token" },
      },
      {
        name: "nexus",
        vendor: "nexus",
        path: "nexus",
        registry: "nexus.acme.example:8082",
        auth: { type: "hmac-sha1", header: "x-nexus-webhook-signature", secret: "nexus-secret" },
      },
      {
        name: "ci",
        vendor: "generic",
        path: "ci",
        registry: undefined,
        auth: { type: "generic-hmac-timestamp", secret: "gh-secret", toleranceSeconds: 60 },
      },
    ]);
  });

  it("reads JSON too", () => {
    const json = JSON.stringify({
      sources: [
        {
          name: "acr",
          vendor: "acr",
          path: "acr",
          auth: { type: "basic", username: "u", secretEnv: "GITHUB_SECRET" },
        },
      ],
    });
    expect(readWebhookConfig(json, readers).sources[0]?.auth).toEqual({
      type: "basic",
      username: "u",
      secret: "gh-secret",
    });
  });

  it.each([
    [
      "jfrog",
      "{ type: jfrog, secretEnv: GITHUB_SECRET }",
      { type: "jfrog", mode: "either", secret: "gh-secret" },
    ],
    [
      "jfrog",
      "{ type: jfrog, secretEnv: GITHUB_SECRET, mode: hmac }",
      { type: "jfrog", mode: "hmac", secret: "gh-secret" },
    ],
    [
      "acr",
      "{ type: header-token, header: X-Acr-Token, secretEnv: GITHUB_SECRET }",
      { type: "header-token", header: "x-acr-token", secret: "gh-secret" },
    ],
    [
      "github",
      "{ type: hmac-sha1, secretEnv: GITHUB_SECRET }",
      { type: "hmac-sha1", header: "x-hub-signature", secret: "gh-secret" },
    ],
    [
      "generic",
      "{ type: generic-hmac-timestamp, secretEnv: GITHUB_SECRET }",
      { type: "generic-hmac-timestamp", secret: "gh-secret", toleranceSeconds: 300 },
    ],
    [
      "gar",
      "{ type: google-oidc, audience: 'https://hooks.acme.example/webhooks/gar', serviceAccount: push@p.iam.gserviceaccount.com }",
      {
        type: "google-oidc",
        audience: "https://hooks.acme.example/webhooks/gar",
        serviceAccount: "push@p.iam.gserviceaccount.com",
      },
    ],
  ])("reads %s auth %s", (vendor, auth, expected) => {
    const text = `sources: [{ name: s, vendor: ${vendor}, path: p, auth: ${auth} }]`;
    expect(readWebhookConfig(text, readers).sources[0]?.auth).toEqual(expected);
  });

  it("lists every problem at once", () => {
    const text = `
sources:
  - name: bad name!
    vendor: dockerhub
    path: short
    auth: { type: none-secret-path }
  - name: gh
    vendor: github
    path: gh
    auth: { type: none-secret-path, secretEnv: X }
  - name: nx
    vendor: nexus
    path: nx
    auth: { type: hmac-sha1, secretEnv: MISSING }
  - name: gh
    vendor: quay
    path: "a/b"
    colour: blue
    registry: "not a host"
    auth: { type: header-token, secretFile: /secrets/blank }
  - name: e
    vendor: ecr
    path: e
    auth: { type: basic, secretEnv: EMPTY, secretFile: /secrets/nexus }
  - name: f
    vendor: jfrog
    path: f
    auth: { type: jfrog, secretFile: /secrets/none, mode: maybe }
  - name: g
    vendor: generic
    path: g
    auth: { type: generic-hmac-timestamp, secretEnv: GITHUB_SECRET, toleranceSeconds: -1, header: "bad header" }
  - name: h
    vendor: azure
    path: h
  - 7
`;
    expect(problemsOf(text)).toEqual([
      "sources[0]: name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$",
      "sources[0] (bad name!): with none-secret-path the path is the secret: use pathEnv or pathFile",
      "sources[1] (gh): auth.secretEnv is not a setting of none-secret-path",
      "sources[1] (gh): with none-secret-path the path is the secret: use pathEnv or pathFile",
      "sources[1] (gh): auth.type none-secret-path is not allowed for github (use hmac-sha256, hmac-sha1)",
      "sources[2] (nx): auth: environment variable MISSING is unset or empty",
      "sources[2] (nx): nexus payloads name no host: set registry",
      "sources[3]: unknown key colour",
      "sources[3] (gh): auth: file /secrets/blank is empty",
      "sources[3] (gh): path must match ^[A-Za-z0-9._~-]{1,256}$",
      "sources[3] (gh): registry must be a host[:port], e.g. registry.example.com:5000",
      "sources[4] (e): auth: give exactly one of secretEnv or secretFile",
      "sources[5] (f): auth: cannot read file /secrets/none (ENOENT)",
      "sources[6] (g): auth.header is not a setting of generic-hmac-timestamp",
      "sources[6] (g): auth.header must be an HTTP header name",
      "sources[6] (g): auth.toleranceSeconds must be a positive integer",
      "sources[7]: vendor must be one of dockerhub, harbor, quay, github, distribution, gitlab, acr, gar, ecr, jfrog, nexus, generic",
      "sources[8]: must be an object",
    ]);
  });

  it("rejects duplicate names and paths without echoing the path", () => {
    const text = `
sources:
  - { name: a, vendor: acr, path: same, auth: { type: header-token, secretEnv: GITHUB_SECRET } }
  - { name: a, vendor: acr, path: same, auth: { type: header-token, secretEnv: GITHUB_SECRET } }
`;
    expect(problemsOf(text)).toEqual([
      "source name a is used twice",
      "source a reuses another source's path",
    ]);
  });

  it("needs audience and service account for google-oidc, and no secret", () => {
    const text =
      "sources: [{ name: g, vendor: gar, path: g, auth: { type: google-oidc, secretEnv: X, serviceAccount: nope } }]";
    expect(problemsOf(text)).toEqual([
      "sources[0] (g): auth.secretEnv is not a setting of google-oidc",
      "sources[0] (g): auth.audience must be the push subscription's audience",
      "sources[0] (g): auth.serviceAccount must be the push service account's email",
    ]);
  });

  it("refuses a secret path shorter than 32 characters", () => {
    const text =
      "sources: [{ name: q, vendor: quay, pathEnv: GITHUB_SECRET, auth: { type: none-secret-path } }]";
    expect(problemsOf(text)).toEqual(["sources[0] (q): a secret path needs at least 32 characters"]);
  });

  it.each([
    ["not YAML", "sources: [", /^not valid YAML or JSON: /],
    ["no sources", "other: 1", /^sources must be a list$/],
    ["a scalar", "42", /^sources must be a list$/],
  ])("rejects %s", (_case, text, message) => {
    expect(problemsOf(text)[0]).toMatch(message);
  });

  it("names the problems in the error message", () => {
    expect(() => readWebhookConfig("sources: [1]", readers)).toThrow(
      /invalid webhook config:\n {2}- sources\[0\]/,
    );
  });
});
