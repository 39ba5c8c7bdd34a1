import { describe, expect, it } from "vitest";
import { manifestAccept } from "../../../../src/sidecar/registry/manifest-accept.ts";

describe("manifestAccept", () => {
  it("lists the four manifest types Keel and Renovate send, indexes first", () => {
    expect(manifestAccept.split(", ")).toEqual([
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
    ]);
  });
});
