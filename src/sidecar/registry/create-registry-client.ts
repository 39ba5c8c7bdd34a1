/**
 * The OCI distribution API client the poller uses: all pages of a tag list and manifest digests,
 * through the auth dance and the rate-limit rules. Every answer is a result value; nothing throws
 * for anything a registry can do.
 */
import { createHash } from "node:crypto";
import {
  type AuthorizedSend,
  type AuthorizedSendOptions,
  createAuthorizedSend,
} from "./create-authorized-send.ts";
import type { AuthContext } from "./create-registry-authenticator.ts";
import { manifestAccept } from "./manifest-accept.ts";
import { parseLinkNext } from "./parse-link-next.ts";
import { parseTagList } from "./parse-tag-list.ts";
import { readImageCreated } from "./read-image-created.ts";
import { type RegistryResult, registryError } from "./registry-result.ts";
import { resolveRegistryOrigin } from "./resolve-registry-origin.ts";
import type { RegistryCredentials } from "./select-credentials.ts";
import { splitRepositoryKey } from "./split-repository-key.ts";
import { statusError } from "./status-error.ts";

export interface TagListing {
  /** Every tag from every page, de-duplicated, in the registry's order. */
  readonly tags: readonly string[];
  /** Tag-list pages fetched. */
  readonly pages: number;
  /** False when `maxPages` was reached while the registry still offered a next page. */
  readonly complete: boolean;
}

export interface RegistryClient {
  /** `GET /v2/<name>/tags/list`, following `Link: rel="next"` over all pages on the same origin. */
  listTags(repositoryKey: string, credentials?: RegistryCredentials): Promise<RegistryResult<TagListing>>;
  /** `HEAD /v2/<name>/manifests/<tag>` with a fixed Accept list; the `Docker-Content-Digest`. */
  headDigest(
    repositoryKey: string,
    tag: string,
    credentials?: RegistryCredentials,
  ): Promise<RegistryResult<string>>;
  /** When the image behind a tag was created (epoch seconds), if its manifest or config says. */
  imageCreated(
    repositoryKey: string,
    tag: string,
    credentials?: RegistryCredentials,
  ): Promise<RegistryResult<number | undefined>>;
}

export interface RegistryClientOptions extends AuthorizedSendOptions {
  /** Registries (normalised host[:port]) to call over plain http; loopback always is. */
  readonly insecureRegistries?: readonly string[];
  /** `n` sent with tag listings; ECR rejects more than 1000 (docs/design/registry-protocols.md, Tag listing). */
  readonly pageSize?: number;
  /** Bound on pages per listing, for registries that ignore `n` and page by 50. */
  readonly maxPages?: number;
}

async function readTagPage(context: AuthContext, response: Response): Promise<RegistryResult<string[]>> {
  const tags = parseTagList(await response.json().catch(() => undefined));
  if (tags !== undefined) return { ok: true, value: tags };
  const detail = `${context.registry} sent an unreadable tag list for ${context.repository}`;
  return { ok: false, error: registryError("protocol", context.registry, detail) };
}

/** One page: its tags and the same-origin URL of the next page, if any. */
async function fetchTagPage(
  send: AuthorizedSend,
  context: AuthContext,
  url: string,
): Promise<RegistryResult<{ tags: string[]; next: string | undefined }>> {
  const { registry, repository } = context;
  const sent = await send(context, { kind: "tags", url, method: "GET", accept: "application/json" });
  if (!sent.ok) return sent;
  if (sent.value.status !== 200) {
    await sent.value.body?.cancel();
    return statusError(context, `${registry}/${repository}`, sent.value.status);
  }
  const read = await readTagPage(context, sent.value);
  if (!read.ok) return read;
  const next = parseLinkNext(sent.value.headers.get("link"), url);
  if (next.kind === "cross-origin") {
    const detail = `${registry} sent a next-page link to another origin (${next.url}); not following it`;
    return { ok: false, error: registryError("protocol", registry, detail) };
  }
  return { ok: true, value: { tags: read.value, next: next.kind === "next" ? next.url : undefined } };
}

/** Registries that omit `Docker-Content-Digest` get a GET; the digest is the sha256 of the exact bytes. */
async function digestOfBody(
  send: AuthorizedSend,
  context: AuthContext,
  url: string,
  what: string,
): Promise<RegistryResult<string>> {
  const sent = await send(context, { kind: "manifest", url, method: "GET", accept: manifestAccept });
  if (!sent.ok) return sent;
  if (sent.value.status !== 200) {
    await sent.value.body?.cancel();
    return statusError(context, what, sent.value.status);
  }
  const bytes = new Uint8Array(await sent.value.arrayBuffer());
  return { ok: true, value: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const send = createAuthorizedSend(options);
  const insecure = new Set(options.insecureRegistries ?? []);
  const pageSize = options.pageSize ?? 1000;
  const maxPages = options.maxPages ?? 100;

  function contextFor(
    key: string,
    credentials: RegistryCredentials | undefined,
  ): RegistryResult<AuthContext & { origin: string }> {
    const name = splitRepositoryKey(key);
    if (name === undefined) {
      return {
        ok: false,
        error: registryError(
          "protocol",
          "unknown",
          `${JSON.stringify(key)} is not a registry/repository key`,
        ),
      };
    }
    return {
      ok: true,
      value: { ...name, credentials, origin: resolveRegistryOrigin(name.registry, insecure) },
    };
  }

  return {
    async listTags(key, credentials) {
      const context = contextFor(key, credentials);
      if (!context.ok) return context;
      const { origin, repository } = context.value;
      const tags = new Set<string>();
      let url = `${origin}/v2/${repository}/tags/list?n=${pageSize}`;
      for (let page = 1; page <= maxPages; page++) {
        const fetched = await fetchTagPage(send, context.value, url);
        if (!fetched.ok) return fetched;
        for (const tag of fetched.value.tags) tags.add(tag);
        if (fetched.value.next === undefined)
          return { ok: true, value: { tags: [...tags], pages: page, complete: true } };
        url = fetched.value.next;
      }
      return { ok: true, value: { tags: [...tags], pages: maxPages, complete: false } };
    },

    async headDigest(key, tag, credentials) {
      const context = contextFor(key, credentials);
      if (!context.ok) return context;
      const { origin, registry, repository } = context.value;
      const url = `${origin}/v2/${repository}/manifests/${encodeURIComponent(tag)}`;
      const what = `${registry}/${repository}:${tag}`;
      const sent = await send(context.value, {
        kind: "manifest",
        url,
        method: "HEAD",
        accept: manifestAccept,
      });
      if (!sent.ok) return sent;
      await sent.value.body?.cancel();
      if (sent.value.status !== 200) return statusError(context.value, what, sent.value.status);
      const digest = sent.value.headers.get("docker-content-digest");
      return digest ? { ok: true, value: digest } : digestOfBody(send, context.value, url, what);
    },

    async imageCreated(key, tag, credentials) {
      const context = contextFor(key, credentials);
      if (!context.ok) return context;
      return readImageCreated(send, context.value, context.value.origin, tag);
    },
  };
}
