/**
 * Pushes a tiny image through the registry HTTP API: a config blob and a layer blob (POST to open
 * an upload, PUT with the digest to finish it, as distribution 2.8 wants), then the manifest under
 * each tag. Re-PUTting one manifest under many tags makes 1,100 tags cheap.
 */
import { createHash } from "node:crypto";

export interface PushOptions {
  /** Changes the config blob, hence the manifest digest: a "new build". */
  readonly seed?: string;
  readonly authorization?: string;
  /** Manifest PUTs in flight at once. */
  readonly concurrency?: number;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

async function expectStatus(response: Response, expected: number, what: string): Promise<Response> {
  if (response.status !== expected)
    throw new Error(`${what}: expected ${expected}, got ${response.status}: ${await response.text()}`);
  return response;
}

async function uploadBlob(
  origin: string,
  repository: string,
  bytes: Uint8Array,
  headers: Record<string, string>,
) {
  const digest = sha256(bytes);
  const opened = await expectStatus(
    await fetch(`${origin}/v2/${repository}/blobs/uploads/`, { method: "POST", headers }),
    202,
    "open upload",
  );
  const location = new URL(opened.headers.get("location") ?? "", origin);
  location.searchParams.set("digest", digest);
  await expectStatus(
    await fetch(location, {
      method: "PUT",
      headers: { ...headers, "content-type": "application/octet-stream" },
      body: bytes,
    }),
    201,
    "finish upload",
  );
  return { digest, size: bytes.byteLength };
}

/** Pushes one image under every tag given; returns its manifest digest. */
export async function pushImage(
  origin: string,
  repository: string,
  tags: readonly string[],
  options: PushOptions = {},
): Promise<string> {
  const headers: Record<string, string> = options.authorization
    ? { authorization: options.authorization }
    : {};
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [] },
      seed: options.seed ?? "",
    }),
  );
  const configBlob = await uploadBlob(origin, repository, config, headers);
  const layerBlob = await uploadBlob(
    origin,
    repository,
    new TextEncoder().encode("headwind test layer"),
    headers,
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...configBlob },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layerBlob }],
  });
  const queue = [...tags];
  const putNext = async (): Promise<void> => {
    for (let tag = queue.shift(); tag !== undefined; tag = queue.shift()) {
      const response = await fetch(`${origin}/v2/${repository}/manifests/${tag}`, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/vnd.oci.image.manifest.v1+json" },
        body: manifest,
      });
      await expectStatus(response, 201, `PUT manifest ${repository}:${tag}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, putNext));
  return sha256(new TextEncoder().encode(manifest));
}
