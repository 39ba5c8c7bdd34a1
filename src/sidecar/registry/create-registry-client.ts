/**
 * The OCI distribution API client the poller uses: all pages of a tag list and manifest digests,
 * through the auth dance and the rate-limit rules. Every answer is a result value; nothing throws
 * for anything a registry can do. Every body is read up to a cap, and every tag and digest a
 * registry sends is checked against the OCI grammar: what fails is dropped and reported.
 */
import { createHash } from "node:crypto";
import { isValidDigest, isValidTag } from "../../core/tags/tag-grammar.ts";
import {
  type AuthorizedSend,
  type AuthorizedSendOptions,
  createAuthorizedSend,
} from "./create-authorized-send.ts";
import type { AuthContext } from "./create-registry-authenticator.ts";
import { manifestAccept } from "./manifest-accept.ts";
import { parseLinkNext } from "./parse-link-next.ts";
import { parseTagList, type TagPage } from "./parse-tag-list.ts";
import { readCappedBody, readCappedJson } from "./read-capped-body.ts";
import { readImageCreated } from "./read-image-created.ts";
import { type RegistryObserver, silentObserver } from "./registry-observer.ts";
import { type RegistryResult, registryError } from "./registry-result.ts";
import { resolveRegistryOrigin } from "./resolve-registry-origin.ts";
import type { RegistryCredentials } from "./select-credentials.ts";
import { splitRepositoryKey } from "./split-repository-key.ts";
import { statusError } from "./status-error.ts";

export interface TagListing {
  /** Every valid tag from every page, de-duplicated, in the registry's order. */
  readonly tags: readonly string[];
  /** Tag-list pages fetched. */
  readonly pages: number;
  /** False when `maxPages` or `maxTags` was reached while the registry still offered more. */
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
  /** Distinct tags kept per listing (default 100,000); reaching it ends the listing, incomplete. */
  readonly maxTags?: number;
  /** Cap on one tag-list page (default 8 MiB: 50,000 tags of the longest kind fit in one page). */
  readonly maxTagPageBytes?: number;
  /** Cap on a manifest read for its digest (default 4 MiB, the size registries accept). */
  readonly maxManifestBytes?: number;
}

interface Limits {
  readonly pageSize: number;
  readonly maxPages: number;
  readonly maxTags: number;
  readonly maxTagPageBytes: number;
  readonly maxManifestBytes: number;
}

const mebibyte = 1024 * 1024;

async function readTagPage(
  context: AuthContext,
  response: Response,
  maxBytes: number,
): Promise<RegistryResult<TagPage>> {
  const body = await readCappedJson(response, { registry: context.registry, what: "tag list", maxBytes });
  if (!body.ok) return body;
  const page = parseTagList(body.value);
  if (page !== undefined) return { ok: true, value: page };
  const detail = `${context.registry} sent an unreadable tag list for ${context.repository}`;
  return { ok: false, error: registryError("protocol", context.registry, detail) };
}

/** One page: its tags and the same-origin URL of the next page, if any. */
async function fetchTagPage(
  send: AuthorizedSend,
  context: AuthContext,
  url: string,
  maxBytes: number,
): Promise<RegistryResult<TagPage & { next: string | undefined }>> {
  const { registry, repository } = context;
  const sent = await send(context, { kind: "tags", url, method: "GET", accept: "application/json" });
  if (!sent.ok) return sent;
  if (sent.value.status !== 200) {
    await sent.value.body?.cancel();
    return statusError(context, `${registry}/${repository}`, sent.value.status);
  }
  const next = parseLinkNext(sent.value.headers.get("link"), url);
  if (next.kind === "cross-origin") {
    await sent.value.body?.cancel();
    const detail = `${registry} sent a next-page link to another origin (${next.url}); not following it`;
    return { ok: false, error: registryError("protocol", registry, detail) };
  }
  const read = await readTagPage(context, sent.value, maxBytes);
  if (!read.ok) return read;
  return { ok: true, value: { ...read.value, next: next.kind === "next" ? next.url : undefined } };
}

/** Registries that omit `Docker-Content-Digest` get a GET; the digest is the sha256 of the exact bytes. */
async function digestOfBody(
  send: AuthorizedSend,
  context: AuthContext,
  url: string,
  what: string,
  maxBytes: number,
): Promise<RegistryResult<string>> {
  const sent = await send(context, { kind: "manifest", url, method: "GET", accept: manifestAccept });
  if (!sent.ok) return sent;
  if (sent.value.status !== 200) {
    await sent.value.body?.cancel();
    return statusError(context, what, sent.value.status);
  }
  const bytes = await readCappedBody(sent.value, { registry: context.registry, what: "manifest", maxBytes });
  if (!bytes.ok) return bytes;
  return { ok: true, value: `sha256:${createHash("sha256").update(bytes.value).digest("hex")}` };
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const send = createAuthorizedSend(options);
  const observer: RegistryObserver = options.observer ?? silentObserver;
  const insecure = new Set(options.insecureRegistries ?? []);
  const limits: Limits = {
    pageSize: options.pageSize ?? 1000,
    maxPages: options.maxPages ?? 100,
    maxTags: options.maxTags ?? 100_000,
    maxTagPageBytes: options.maxTagPageBytes ?? 8 * mebibyte,
    maxManifestBytes: options.maxManifestBytes ?? 4 * mebibyte,
  };

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

  /** Adds a page's tags up to the bound; false when the bound cut the page short. */
  function keep(tags: Set<string>, page: readonly string[]): boolean {
    for (const tag of page) {
      if (tags.size >= limits.maxTags && !tags.has(tag)) return false;
      tags.add(tag);
    }
    return true;
  }

  async function listTags(context: AuthContext & { origin: string }): Promise<RegistryResult<TagListing>> {
    const { origin, registry, repository } = context;
    const tags = new Set<string>();
    let url = `${origin}/v2/${repository}/tags/list?n=${limits.pageSize}`;
    for (let page = 1; page <= limits.maxPages; page++) {
      const fetched = await fetchTagPage(send, context, url, limits.maxTagPageBytes);
      if (!fetched.ok) return fetched;
      const { invalid, next } = fetched.value;
      if (invalid > 0) observer.invalidReference({ registry, kind: "tag", count: invalid });
      const roomLeft = keep(tags, fetched.value.tags);
      if (!roomLeft || next === undefined)
        return { ok: true, value: { tags: [...tags], pages: page, complete: roomLeft } };
      url = next;
    }
    return { ok: true, value: { tags: [...tags], pages: limits.maxPages, complete: false } };
  }

  return {
    async listTags(key, credentials) {
      const context = contextFor(key, credentials);
      return context.ok ? listTags(context.value) : context;
    },

    async headDigest(key, tag, credentials) {
      const context = contextFor(key, credentials);
      if (!context.ok) return context;
      const { origin, registry, repository } = context.value;
      if (!isValidTag(tag)) {
        const detail = `${JSON.stringify(tag.slice(0, 140))} is not a tag; not asked`;
        return { ok: false, error: registryError("protocol", registry, detail) };
      }
      const url = `${origin}/v2/${repository}/manifests/${tag}`;
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
      if (digest === null || digest === "")
        return digestOfBody(send, context.value, url, what, limits.maxManifestBytes);
      if (isValidDigest(digest)) return { ok: true, value: digest };
      observer.invalidReference({ registry, kind: "digest", count: 1 });
      const detail = `${registry} sent a Docker-Content-Digest outside the OCI grammar for ${what}`;
      return { ok: false, error: registryError("protocol", registry, detail) };
    },

    async imageCreated(key, tag, credentials) {
      const context = contextFor(key, credentials);
      if (!context.ok) return context;
      return readImageCreated(send, context.value, context.value.origin, tag);
    },
  };
}
