import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../src/core/config/config-error.ts";
import { readSidecarConfig } from "../../../../src/sidecar/runtime/read-sidecar-config.ts";

describe("readSidecarConfig", () => {
  it("has the documented defaults", () => {
    expect(readSidecarConfig({})).toEqual({
      namespace: "headwind",
      port: 8080,
      metricsPort: 9091,
      pollIntervalSeconds: 300,
      interestIntervalSeconds: 60,
      webhookConfigPath: undefined,
      insecureRegistries: [],
      registryCredentials: [],
      cloud: { enabled: new Set(), overrides: new Map() },
      logLevel: "info",
      podName: undefined,
    });
  });

  it("reads every variable", () => {
    expect(
      readSidecarConfig({
        HEADWIND_NAMESPACE: "ops",
        PORT: "18080",
        METRICS_PORT: "0",
        HEADWIND_POLL_INTERVAL_SECONDS: "60",
        HEADWIND_INTEREST_INTERVAL_SECONDS: "30",
        HEADWIND_WEBHOOK_CONFIG: "/etc/headwind/webhooks.yaml",
        HEADWIND_INSECURE_REGISTRIES: " Registry.Local:5000 , index.docker.io ",
        HEADWIND_REGISTRY_CREDENTIALS: "hub-robot,ghcr.cred",
        HEADWIND_CLOUD_PROVIDERS: "aws,gcp",
        HEADWIND_REGISTRY_PROVIDERS: "mirror.example:5000=gcp",
        LOG_LEVEL: "debug",
        POD_NAME: "headwind-sidecar-7d9f-abcde",
        HOSTNAME: "ignored",
      }),
    ).toEqual({
      namespace: "ops",
      port: 18080,
      metricsPort: 0,
      pollIntervalSeconds: 60,
      interestIntervalSeconds: 30,
      webhookConfigPath: "/etc/headwind/webhooks.yaml",
      insecureRegistries: ["registry.local:5000", "docker.io"],
      registryCredentials: ["hub-robot", "ghcr.cred"],
      cloud: {
        enabled: new Set(["aws", "gcp"]),
        overrides: new Map([["mirror.example:5000", { provider: "gcp" }]]),
      },
      logLevel: "debug",
      podName: "headwind-sidecar-7d9f-abcde",
    });
  });

  it("falls back to HOSTNAME for the lease identity", () => {
    expect(readSidecarConfig({ HOSTNAME: "box" }).podName).toBe("box");
  });

  it("throws one ConfigError listing every problem", () => {
    let caught: unknown;
    try {
      readSidecarConfig({
        HEADWIND_NAMESPACE: "Not_A_Namespace",
        PORT: "80800",
        METRICS_PORT: "x",
        HEADWIND_POLL_INTERVAL_SECONDS: "5",
        HEADWIND_INTEREST_INTERVAL_SECONDS: "1",
        HEADWIND_INSECURE_REGISTRIES: "not a host,ok.example:5000",
        HEADWIND_REGISTRY_CREDENTIALS: "Bad_Name",
        HEADWIND_CLOUD_PROVIDERS: "aws,ibm",
        LOG_LEVEL: "loud",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
      "HEADWIND_NAMESPACE is not a namespace name",
      'PORT must be a whole number from 1 to 65535, got "80800"',
      'METRICS_PORT must be a whole number from 0 to 65535, got "x"',
      'HEADWIND_POLL_INTERVAL_SECONDS must be a whole number from 30 to 604800, got "5"',
      'HEADWIND_INTEREST_INTERVAL_SECONDS must be a whole number from 5 to 86400, got "1"',
      'HEADWIND_INSECURE_REGISTRIES: "not a host" is not a host[:port]',
      'HEADWIND_REGISTRY_CREDENTIALS: "Bad_Name" is not a Secret name',
      'HEADWIND_CLOUD_PROVIDERS: "ibm" is not auto, none, aws, gcp or azure',
    ]);
  });
});
