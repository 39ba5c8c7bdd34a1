/**
 * When an image (or an OCI Helm chart) was created, as its registry tells it: the manifest's
 * `org.opencontainers.image.created` annotation, else the image config's `created`. An index is
 * followed to its linux/amd64 manifest (else its first). Undefined when neither says: the sidecar
 * then dates the tag from when it first saw it.
 */
import type { AuthorizedSend } from "./create-authorized-send.ts";
import type { AuthContext } from "./create-registry-authenticator.ts";
import { manifestAccept } from "./manifest-accept.ts";
import { readCappedJson } from "./read-capped-body.ts";
import type { RegistryResult } from "./registry-result.ts";
import { statusError } from "./status-error.ts";

/** Manifests are small; image configs carry the build history, which stays well under this. */
export const maxManifestBytes = 4 * 1024 * 1024;
export const maxConfigBytes = 8 * 1024 * 1024;
const createdAnnotation = "org.opencontainers.image.created";
const digestShape = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}$/;

interface Descriptor {
  digest?: unknown;
  platform?: { os?: unknown; architecture?: unknown };
}

interface Manifest {
  manifests?: Descriptor[];
  config?: Descriptor;
  annotations?: Record<string, unknown>;
  created?: unknown;
}

function seconds(value: unknown): number | undefined {
  if (typeof value !== "string" || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

function digestOf(descriptor: Descriptor | undefined): string | undefined {
  const digest = descriptor?.digest;
  return typeof digest === "string" && digestShape.test(digest) ? digest : undefined;
}

function pickPlatform(manifests: readonly Descriptor[]): string | undefined {
  const amd64 = manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64");
  return digestOf(amd64 ?? manifests[0]);
}

export async function readImageCreated(
  send: AuthorizedSend,
  context: AuthContext,
  origin: string,
  tag: string,
): Promise<RegistryResult<number | undefined>> {
  const base = `${origin}/v2/${context.repository}`;
  const get = async (url: string, kind: "manifest" | "blob", accept: string, maxBytes: number) => {
    const sent = await send(context, { kind, url, method: "GET", accept });
    if (!sent.ok) return sent;
    if (sent.value.status !== 200) {
      await sent.value.body?.cancel();
      return statusError(context, `${context.registry}/${context.repository}:${tag}`, sent.value.status);
    }
    const what = kind === "blob" ? "image config" : "manifest";
    const body = await readCappedJson(sent.value, { registry: context.registry, what, maxBytes });
    return body.ok ? { ok: true as const, value: (body.value ?? {}) as Manifest } : body;
  };
  let manifest = await get(
    `${base}/manifests/${encodeURIComponent(tag)}`,
    "manifest",
    manifestAccept,
    maxManifestBytes,
  );
  if (!manifest.ok) return manifest;
  const fromIndex = seconds(manifest.value.annotations?.[createdAnnotation]);
  if (fromIndex !== undefined) return { ok: true, value: fromIndex };
  if (Array.isArray(manifest.value.manifests)) {
    const chosen = pickPlatform(manifest.value.manifests);
    if (chosen === undefined) return { ok: true, value: undefined };
    manifest = await get(`${base}/manifests/${chosen}`, "manifest", manifestAccept, maxManifestBytes);
    if (!manifest.ok) return manifest;
    const annotated = seconds(manifest.value.annotations?.[createdAnnotation]);
    if (annotated !== undefined) return { ok: true, value: annotated };
  }
  const config = digestOf(manifest.value.config);
  if (config === undefined) return { ok: true, value: undefined };
  const blob = await get(`${base}/blobs/${config}`, "blob", "application/json, */*", maxConfigBytes);
  return blob.ok ? { ok: true, value: seconds(blob.value.created) } : blob;
}
