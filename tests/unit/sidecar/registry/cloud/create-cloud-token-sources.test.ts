import { describe, expect, it } from "vitest";
import { createCloudTokenSources } from "../../../../../src/sidecar/registry/cloud/create-cloud-token-sources.ts";

const options = { fetch, env: {}, insecureRegistries: [] };

describe("createCloudTokenSources", () => {
  it("sets up an exchange for each enabled cloud only", () => {
    expect(Object.keys(createCloudTokenSources(new Set(), options))).toEqual([]);
    expect(Object.keys(createCloudTokenSources(new Set(["gcp", "azure"]), options)).sort()).toEqual([
      "azure",
      "gcp",
    ]);
    expect(Object.keys(createCloudTokenSources(new Set(["aws", "gcp", "azure"]), options)).sort()).toEqual([
      "aws",
      "azure",
      "gcp",
    ]);
  });
});
