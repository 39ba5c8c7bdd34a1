import { describe, expect, it } from "vitest";
import type { KubeRequest } from "../../../src/kube/create-kube-transport.ts";
import { listCollection } from "../../../src/kube/list-collection.ts";

describe("listCollection", () => {
  it("follows continue tokens with the selector on every page", async () => {
    const paths: string[] = [];
    const pages = [
      { items: [1, 2], metadata: { continue: "next", resourceVersion: "7" } },
      { items: [3], metadata: {} },
    ];
    const listed = await listCollection<number>(
      async (request: KubeRequest) => {
        paths.push(request.path);
        return pages.shift();
      },
      "/api/v1/configmaps",
      { labelSelector: "a=b" },
      2,
    );
    expect(listed).toEqual({ items: [1, 2, 3], resourceVersion: "7" });
    expect(paths).toEqual([
      "/api/v1/configmaps?labelSelector=a%3Db&limit=2",
      "/api/v1/configmaps?labelSelector=a%3Db&limit=2&continue=next",
    ]);
  });
});
