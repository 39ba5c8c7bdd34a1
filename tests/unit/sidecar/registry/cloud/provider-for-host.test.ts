import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cloudTargetFor,
  type ProviderOverride,
  providerForHost,
} from "../../../../../src/sidecar/registry/cloud/provider-for-host.ts";

const aws = (account: string, region: string, fips = false) => ({ provider: "aws", account, region, fips });

describe("providerForHost", () => {
  it.each([
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com", aws("123456789012", "us-east-1")],
    ["123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", aws("123456789012", "us-gov-west-1", true)],
    ["123456789012.dkr.ecr-fips.us-east-2.amazonaws.com", aws("123456789012", "us-east-2", true)],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", aws("123456789012", "cn-north-1")],
    ["123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn", aws("123456789012", "cn-northwest-1")],
    ["123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", aws("123456789012", "eusc-de-east-1")],
    ["123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", aws("123456789012", "us-iso-east-1")],
    ["123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", aws("123456789012", "us-isob-east-1")],
    ["123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", aws("123456789012", "eu-isoe-west-1")],
    ["123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", aws("123456789012", "us-isof-south-1")],
    ["123456789012.dkr-ecr.ap-southeast-2.on.aws", aws("123456789012", "ap-southeast-2")],
    ["123456789012.dkr-ecr-fips.us-east-1.on.aws", aws("123456789012", "us-east-1", true)],
    ["gcr.io", { provider: "gcp" }],
    ["us.gcr.io", { provider: "gcp" }],
    ["eu.gcr.io", { provider: "gcp" }],
    ["asia.gcr.io", { provider: "gcp" }],
    ["marketplace.gcr.io", { provider: "gcp" }],
    ["us-docker.pkg.dev", { provider: "gcp" }],
    ["europe-west1-docker.pkg.dev", { provider: "gcp" }],
    ["us-central1-docker.pkg.dev", { provider: "gcp" }],
    ["myregistry.azurecr.io", { provider: "azure", cloud: "public" }],
    ["contoso01.azurecr.cn", { provider: "azure", cloud: "china" }],
    ["contoso01.azurecr.us", { provider: "azure", cloud: "usgov" }],
    ["myregistry-abc123.azurecr.io", { provider: "azure", cloud: "public" }],
  ])("recognises %s", (host, target) => {
    expect(providerForHost(host)).toEqual(target);
  });

  it.each([
    // Lookalikes: a cloud's name inside someone else's host.
    "123456789012.dkr.ecr.us-east-1.amazonaws.com.example.com",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com:444",
    "evil.123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "gcr.io.example.com",
    "evilgcr.io",
    "k8s.gcr.io",
    "mirror.gcr.io",
    "gcr.io:443",
    "docker.pkg.dev",
    "-docker.pkg.dev",
    "us--docker.pkg.dev",
    "us-docker.pkg.dev.example.com",
    "evil.us-docker.pkg.dev",
    "myregistry.azurecr.io.example.com",
    "my.registry.azurecr.io",
    "abc.azurecr.io",
    "myregistry.azurecr.de",
    // Broken ECR shapes.
    "12345678901.dkr.ecr.us-east-1.amazonaws.com",
    "123456789012.dkr.ecr.useast1.amazonaws.com",
    "123456789012.dkr.ecr.us-east-1.on.aws",
    "123456789012.dkr-ecr.us-east-1.amazonaws.com",
    "123456789012.dkr.ecr-gov.us-east-1.amazonaws.com",
    "public.ecr.aws",
    // Plain registries.
    "docker.io",
    "ghcr.io",
    "quay.io",
    "registry.k8s.io",
    "127.0.0.1:5000",
    "",
  ])("leaves %s alone", (host) => {
    expect(providerForHost(host)).toBeUndefined();
  });

  it("recognises nothing that does not end in a cloud's own domain", () => {
    const cloudSuffix =
      /(\.amazonaws\.com|\.amazonaws\.com\.cn|\.amazonaws\.eu|\.on\.aws|\.ic\.gov|\.sgov\.gov|\.adc-e\.uk|^(us|eu|asia|marketplace)?\.?gcr\.io|-docker\.pkg\.dev|\.azurecr\.(io|cn|us))$/;
    const label = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    const host = fc
      .array(
        fc.oneof(
          label,
          fc.constantFrom(
            "dkr",
            "ecr",
            "ecr-fips",
            "dkr-ecr",
            "123456789012",
            "us-east-1",
            "azurecr",
            "gcr",
            "io",
            "pkg",
            "dev",
            "aws",
            "on",
            "amazonaws",
            "com",
            "cn",
          ),
        ),
        { minLength: 1, maxLength: 7 },
      )
      .map((labels) => labels.join("."));
    fc.assert(
      fc.property(host, (candidate) => {
        if (providerForHost(candidate) !== undefined) expect(candidate).toMatch(cloudSuffix);
      }),
      { numRuns: 5000 },
    );
  });

  it("decides a long hostile host in linear time", () => {
    const long = `${"1".repeat(12)}.dkr.ecr.${"a-".repeat(50_000)}1.amazonaws.com`;
    const started = performance.now();
    expect(providerForHost(long)).toBeUndefined();
    expect(providerForHost(`${"us-".repeat(50_000)}docker.pkg.dev`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("cloudTargetFor", () => {
  const overrides = new Map<string, ProviderOverride>([
    ["127.0.0.1:5000", { provider: "aws", account: "123456789012", region: "eu-west-1", fips: false }],
    ["us-docker.pkg.dev", "none"],
  ]);

  it("takes the override first, then the host's shape", () => {
    expect(cloudTargetFor("127.0.0.1:5000", overrides)).toEqual(aws("123456789012", "eu-west-1"));
    expect(cloudTargetFor("eu-docker.pkg.dev", overrides)).toEqual({ provider: "gcp" });
    expect(cloudTargetFor("127.0.0.1:5001", overrides)).toBeUndefined();
  });

  it("turns a cloud-shaped host into a plain registry with none", () => {
    expect(cloudTargetFor("us-docker.pkg.dev", overrides)).toBeUndefined();
  });
});
