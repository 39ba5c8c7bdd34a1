import { describe, expect, it } from "vitest";
import {
  effectiveTag,
  formatImageRef,
  parseImageRef,
  repositoryKey,
} from "../../../../src/core/images/image-ref.ts";

const digest = `sha256:${"a".repeat(64)}`;

describe("parseImageRef", () => {
  // Columns: input, domain as written, path as written, tag, digest, normalised key.
  it.each<[string, string | undefined, string, string | undefined, string | undefined, string]>([
    ["nginx", undefined, "nginx", undefined, undefined, "docker.io/library/nginx"],
    ["nginx:1.25.0", undefined, "nginx", "1.25.0", undefined, "docker.io/library/nginx"],
    ["library/nginx", undefined, "library/nginx", undefined, undefined, "docker.io/library/nginx"],
    [
      "docker.io/library/nginx:1.25",
      "docker.io",
      "library/nginx",
      "1.25",
      undefined,
      "docker.io/library/nginx",
    ],
    ["docker.io/nginx", "docker.io", "nginx", undefined, undefined, "docker.io/library/nginx"],
    ["index.docker.io/org/app:1", "index.docker.io", "org/app", "1", undefined, "docker.io/org/app"],
    ["ghcr.io/org/app:v1.2.3", "ghcr.io", "org/app", "v1.2.3", undefined, "ghcr.io/org/app"],
    ["registry:5000/a/b:tag", "registry:5000", "a/b", "tag", undefined, "registry:5000/a/b"],
    ["localhost/app", "localhost", "app", undefined, undefined, "localhost/app"],
    ["localhost:5000/myimage", "localhost:5000", "myimage", undefined, undefined, "localhost:5000/myimage"],
    ["gcr.io/project/image:v1.0", "gcr.io", "project/image", "v1.0", undefined, "gcr.io/project/image"],
    [`repo:tag@${digest}`, undefined, "repo", "tag", digest, "docker.io/library/repo"],
    [`repo@${digest}`, undefined, "repo", undefined, digest, "docker.io/library/repo"],
    ["GHCR.io/org/app:1", "GHCR.io", "org/app", "1", undefined, "ghcr.io/org/app"],
    ["a.b/group/sub/app:1", "a.b", "group/sub/app", "1", undefined, "a.b/group/sub/app"],
  ])("%s", (input, domain, path, tag, dig, key) => {
    const ref = parseImageRef(input);
    expect(ref).toMatchObject({ domain, path, tag, digest: dig });
    expect(ref && repositoryKey(ref)).toBe(key);
    expect(ref && formatImageRef(ref)).toBe(input);
  });

  it.each([
    "",
    "UPPER/case",
    "nginx:",
    "nginx@sha256:short",
    "a//b",
    ":tag",
    "nginx:bad tag",
    "x".repeat(5000),
  ])("rejects %j", (input) => {
    expect(parseImageRef(input)).toBeUndefined();
  });

  it("reads an untagged, undigested image as latest", () => {
    const plain = parseImageRef("nginx");
    const pinned = parseImageRef(`nginx@${digest}`);
    expect(plain && effectiveTag(plain)).toBe("latest");
    expect(pinned && effectiveTag(pinned)).toBeUndefined();
  });
});
