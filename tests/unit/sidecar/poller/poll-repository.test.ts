import { describe, expect, it } from "vitest";
import { pollRepository } from "../../../../src/sidecar/poller/poll-repository.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";

describe("pollRepository", () => {
  it("lists tags and HEADs only the digest tags that exist", async () => {
    const { client, calls } = fakeRegistryClient({
      "reg/a": { tags: ["1.0", "latest", "main"], digests: { latest: "sha256:l", main: "sha256:m" } },
    });
    const polled = await pollRepository(client, { repository: "reg/a", digestTags: ["latest", "absent"] });
    expect(polled).toEqual({
      ok: true,
      value: {
        repository: "reg/a",
        tags: ["1.0", "latest", "main"],
        digests: { latest: "sha256:l" },
        truncated: false,
      },
    });
    expect(calls).toEqual(["list reg/a", "head reg/a:latest"]);
  });

  it("leaves out a digest whose tag vanished between listing and HEAD", async () => {
    const { client } = fakeRegistryClient({ "reg/a": { tags: ["latest"], digests: {} } });
    expect(await pollRepository(client, { repository: "reg/a", digestTags: ["latest"] })).toMatchObject({
      ok: true,
      value: { digests: {} },
    });
  });

  it("fails the whole poll when a HEAD fails otherwise", async () => {
    const { client } = fakeRegistryClient({ "reg/a": { tags: ["latest"], digests: { latest: "fail" } } });
    expect(await pollRepository(client, { repository: "reg/a", digestTags: ["latest"] })).toMatchObject({
      ok: false,
      error: { kind: "unavailable" },
    });
  });

  it("marks an incomplete listing as truncated and passes credentials on", async () => {
    const { client, calls } = fakeRegistryClient({ "reg/a": { tags: ["1"], complete: false } });
    const polled = await pollRepository(
      client,
      { repository: "reg/a", digestTags: [] },
      { username: "u", password: "p" },
    );
    expect(polled).toMatchObject({ ok: true, value: { truncated: true } });
    expect(calls).toEqual(["list reg/a as u"]);
  });
});
