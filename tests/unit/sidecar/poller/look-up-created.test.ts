import { describe, expect, it } from "vitest";
import { lookUpCreated, pickCreationLookups } from "../../../../src/sidecar/poller/look-up-created.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";

const since = 1_780_000_000;

describe("pickCreationLookups", () => {
  it("a first listing: the highest versions, never signature or attestation tags", () => {
    const tags = [
      "1.2.0",
      "sha256-abc.sig",
      "1.10.0",
      "1.9.1",
      "v.att",
      "x.sbom",
      "1.3.0",
      "latest",
      "0.1.0",
    ];
    expect(pickCreationLookups(undefined, tags, 4)).toEqual(["latest", "1.10.0", "1.9.1", "1.3.0"]);
  });

  it("later: only tags new to the ConfigMap, and none already dated by the registry", () => {
    const previous = {
      tags: ["1.0.0", "1.1.0"],
      times: { since, created: { "1.2.0": since }, seen: {} },
    };
    expect(pickCreationLookups(previous, ["1.0.0", "1.1.0", "1.2.0", "1.3.0"], 5)).toEqual(["1.3.0"]);
  });

  it("nothing new: no lookups at all", () => {
    expect(pickCreationLookups({ tags: ["1.0.0"] }, ["1.0.0"], 5)).toEqual([]);
  });
});

describe("lookUpCreated", () => {
  it("keeps believable times only; a tag whose image says nothing is left out", async () => {
    const fake = fakeRegistryClient({
      "r.io/app": {
        tags: ["1.0.0", "1.1.0", "1.2.0", "1.3.0"],
        created: { "1.0.0": since - 3600, "1.1.0": 0, "1.2.0": since + 86_400 },
      },
    });
    const created = await lookUpCreated(fake.client, "r.io/app", ["1.0.0", "1.1.0", "1.2.0", "1.3.0"], since);
    expect(created).toEqual({ "1.0.0": since - 3600 });
    expect(fake.calls).toEqual([
      "created r.io/app:1.0.0",
      "created r.io/app:1.1.0",
      "created r.io/app:1.2.0",
      "created r.io/app:1.3.0",
    ]);
  });
});
