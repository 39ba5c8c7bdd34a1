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
  /** Extra image config fields, e.g. `created`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The whole config document instead of an image config (a Helm chart's Chart.yaml as JSON). */
  readonly configDocument?: Readonly<Record<string, unknown>>;
  /** Manifest annotations, e.g. `org.opencontainers.image.created`. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Config and layer media types (a Helm chart pushes its own). */
  readonly configMediaType?: string;
  readonly layerMediaType?: string;
  /** The layer's bytes (a chart's .tgz). */
  readonly layer?: Uint8Array;
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
    JSON.stringify(
      options.configDocument ?? {
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [] },
        seed: options.seed ?? "",
        ...options.config,
      },
    ),
  );
  const configBlob = await uploadBlob(origin, repository, config, headers);
  const layerBlob = await uploadBlob(
    origin,
    repository,
    options.layer ?? new TextEncoder().encode("headwind test layer"),
    headers,
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: options.configMediaType ?? "application/vnd.oci.image.config.v1+json",
      ...configBlob,
    },
    layers: [{ mediaType: options.layerMediaType ?? "application/vnd.oci.image.layer.v1.tar", ...layerBlob }],
    ...(options.annotations ? { annotations: options.annotations } : {}),
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

/** Pushes an OCI index of already-pushed manifests (by digest, with their platforms) under `tag`. */
export async function pushIndex(
  origin: string,
  repository: string,
  tag: string,
  entries: readonly { digest: string; os: string; architecture: string }[],
): Promise<void> {
  const manifests = [];
  for (const { digest, os, architecture } of entries) {
    const response = await expectStatus(
      await fetch(`${origin}/v2/${repository}/manifests/${digest}`, {
        headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
      }),
      200,
      `GET manifest ${digest}`,
    );
    const size = (await response.arrayBuffer()).byteLength;
    manifests.push({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest,
      size,
      platform: { os, architecture },
    });
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests,
  });
  await expectStatus(
    await fetch(`${origin}/v2/${repository}/manifests/${tag}`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.oci.image.index.v1+json" },
      body: index,
    }),
    201,
    `PUT index ${repository}:${tag}`,
  );
}
