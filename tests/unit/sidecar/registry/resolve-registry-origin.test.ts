import { describe, expect, it } from "vitest";
import { resolveRegistryOrigin } from "../../../../src/sidecar/registry/resolve-registry-origin.ts";

describe("resolveRegistryOrigin", () => {
  it.each([
    { registry: "docker.io", insecure: [], expected: "https://registry-1.docker.io" },
    { registry: "ghcr.io", insecure: [], expected: "https://ghcr.io" },
    { registry: "localhost:5000", insecure: [], expected: "http://localhost:5000" },
    { registry: "localhost", insecure: [], expected: "http://localhost" },
    { registry: "127.0.0.1:5000", insecure: [], expected: "http://127.0.0.1:5000" },
    { registry: "[::1]:5000", insecure: [], expected: "http://[::1]:5000" },
    { registry: "registry.lan:5000", insecure: ["registry.lan:5000"], expected: "http://registry.lan:5000" },
    { registry: "registry.lan:5000", insecure: ["registry.lan"], expected: "https://registry.lan:5000" },
    { registry: "localhost.example.com", insecure: [], expected: "https://localhost.example.com" },
  ])("$registry (insecure: $insecure) → $expected", ({ registry, insecure, expected }) => {
    expect(resolveRegistryOrigin(registry, new Set(insecure))).toBe(expected);
  });
});
