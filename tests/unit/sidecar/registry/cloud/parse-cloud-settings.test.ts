import { describe, expect, it } from "vitest";
import {
  parseCloudSettings,
  parseProviderOverride,
} from "../../../../../src/sidecar/registry/cloud/parse-cloud-settings.ts";

function read(env: Record<string, string>) {
  const problems: string[] = [];
  const settings = parseCloudSettings(env, problems);
  return { enabled: [...settings.enabled].sort(), overrides: settings.overrides, problems };
}

describe("parseProviderOverride", () => {
  it.each([
    [
      "aws:123456789012:eu-west-1",
      { provider: "aws", account: "123456789012", region: "eu-west-1", fips: false },
    ],
    [
      "AWS:123456789012:us-gov-west-1:fips",
      { provider: "aws", account: "123456789012", region: "us-gov-west-1", fips: true },
    ],
    ["gcp", { provider: "gcp" }],
    ["azure", { provider: "azure", cloud: "public" }],
    ["azure:china", { provider: "azure", cloud: "china" }],
    ["azure:usgov", { provider: "azure", cloud: "usgov" }],
    ["none", "none"],
  ])("reads %s", (value, expected) => {
    expect(parseProviderOverride(value)).toEqual(expected);
  });

  it.each([
    "aws",
    "aws:12345:eu-west-1",
    "aws:123456789012",
    "aws:123456789012:eu west 1",
    "aws:123456789012:eu-west-1:gov",
    "aws:123456789012:eu-west-1:fips:more",
    "gcp:project",
    "azure:germany",
    "azure:public:x",
    "none:x",
    "ibm",
    "",
  ])("refuses %s", (value) => {
    expect(parseProviderOverride(value)).toBeUndefined();
  });
});

describe("parseCloudSettings", () => {
  it("enables nothing by default outside a cloud", () => {
    expect(read({})).toEqual({ enabled: [], overrides: new Map(), problems: [] });
  });

  it("auto-detects each cloud's workload identity from what it puts in the pod", () => {
    expect(
      read({ AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" })
        .enabled,
    ).toEqual(["aws"]);
    expect(
      read({ AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials" }).enabled,
    ).toEqual(["aws"]);
    expect(
      read({ AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token" }).enabled,
    ).toEqual(["azure"]);
    expect(read({ GOOGLE_APPLICATION_CREDENTIALS: "/var/secrets/google/key.json" }).enabled).toEqual(["gcp"]);
  });

  it("enables a cloud an override names, in auto mode", () => {
    expect(read({ HEADWIND_REGISTRY_PROVIDERS: "registry.internal:5000=gcp" })).toEqual({
      enabled: ["gcp"],
      overrides: new Map([["registry.internal:5000", { provider: "gcp" }]]),
      problems: [],
    });
  });

  it("takes an explicit list, and none", () => {
    expect(read({ HEADWIND_CLOUD_PROVIDERS: " gcp , Azure " }).enabled).toEqual(["azure", "gcp"]);
    expect(read({ HEADWIND_CLOUD_PROVIDERS: "none", AWS_WEB_IDENTITY_TOKEN_FILE: "/t" }).enabled).toEqual([]);
    expect(read({ HEADWIND_CLOUD_PROVIDERS: "auto", AZURE_FEDERATED_TOKEN_FILE: "/t" }).enabled).toEqual([
      "azure",
    ]);
  });

  it("reads overrides per host, lowercased, none included", () => {
    const { overrides, problems } = read({
      HEADWIND_REGISTRY_PROVIDERS:
        "Mirror.Example:5000 = aws:123456789012:eu-central-1, us-docker.pkg.dev=none,acr.internal=azure:china",
    });
    expect(problems).toEqual([]);
    expect(overrides).toEqual(
      new Map<string, unknown>([
        [
          "mirror.example:5000",
          { provider: "aws", account: "123456789012", region: "eu-central-1", fips: false },
        ],
        ["us-docker.pkg.dev", "none"],
        ["acr.internal", { provider: "azure", cloud: "china" }],
      ]),
    );
  });

  it("lists every problem", () => {
    expect(
      read({
        HEADWIND_CLOUD_PROVIDERS: "aws,oracle",
        HEADWIND_REGISTRY_PROVIDERS: "https://x.example=gcp,y.example=aws,z.example:5000=azure,noequals",
      }).problems,
    ).toEqual([
      'HEADWIND_REGISTRY_PROVIDERS: "https://x.example=gcp" is not host[:port]=aws:<account>:<region>[:fips] | gcp | azure[:public|china|usgov] | none',
      'HEADWIND_REGISTRY_PROVIDERS: "y.example=aws" is not host[:port]=aws:<account>:<region>[:fips] | gcp | azure[:public|china|usgov] | none',
      'HEADWIND_REGISTRY_PROVIDERS: "noequals" is not host[:port]=aws:<account>:<region>[:fips] | gcp | azure[:public|china|usgov] | none',
      'HEADWIND_CLOUD_PROVIDERS: "oracle" is not auto, none, aws, gcp or azure',
      "HEADWIND_REGISTRY_PROVIDERS names azure, which HEADWIND_CLOUD_PROVIDERS does not enable",
    ]);
  });
});
