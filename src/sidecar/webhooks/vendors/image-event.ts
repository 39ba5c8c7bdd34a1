/**
 * The one thing every vendor webhook is reduced to: "this repository may have something new". It
 * is only a hint — the caller confirms it against the registry before recording anything, because
 * most vendors (Docker Hub, Quay, ACR, distribution) cannot authenticate the payload. An event
 * with a tag names a tag to confirm; one without (a push by digest, an untagged version) still
 * says the repository changed, and makes the caller re-check it.
 */
import { parseImageRef } from "../../../core/images/image-ref.ts";
import { isValidDigest, isValidTag } from "../../../core/tags/tag-grammar.ts";

export interface ImageEvent {
  /** The parser that produced the event (`dockerhub`, `harbor`, …). */
  readonly vendor: string;
  /** Normalised registry host, as `parseImageRef` gives it (`docker.io` for every Docker Hub alias). */
  readonly registry: string;
  /** Normalised repository path (`library/nginx`, `acme/web`). */
  readonly repository: string;
  /** The pushed tag; absent for a push by digest. */
  readonly tag?: string;
  readonly digest?: string;
}

export interface ImageEventParts {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

/** A payload entry whose name, tag or digest breaks the OCI grammar: dropped and counted. */
export interface InvalidReference {
  readonly invalid: string;
}

export function isInvalidReference(value: unknown): value is InvalidReference {
  return typeof value === "object" && value !== null && "invalid" in value;
}

/** Keeps reasons short: they end up in logs and responses. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

type Name = Pick<ImageEvent, "registry" | "repository"> | InvalidReference;

/** Drops leading and trailing slashes in one pass (`/\/+$/` retries from every slash of a run). */
function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path[start] === "/") start++;
  while (end > start && path[end - 1] === "/") end--;
  return path.slice(start, end);
}

/** A host without a dot, port or `localhost` would be read as a Docker Hub namespace. */
function parseName(host: string, path: string): Name {
  const ref = parseImageRef(`${host}/${path}`);
  if (ref === undefined || ref.domain === undefined || path.length === 0) {
    return { invalid: `not a valid image reference: ${clip(host)}/${clip(path)}` };
  }
  return { registry: ref.registry, repository: ref.repository };
}

function checkTagAndDigest({ tag, digest }: ImageEventParts): InvalidReference | undefined {
  if (tag !== undefined && !isValidTag(tag))
    return { invalid: `not an OCI tag: ${clip(JSON.stringify(tag))}` };
  if (digest !== undefined && !isValidDigest(digest))
    return { invalid: `not an OCI digest: ${clip(JSON.stringify(digest))}` };
  return undefined;
}

/** Distinct names one delivery may hold before the memo starts over (it only saves work). */
const maxNames = 1000;

/**
 * Builds normalised events for one delivery, parsing each distinct repository name once — a
 * forged delivery repeating one name 100,000 times costs 100,000 map lookups, not reference
 * parses. Host and path are lowercased (GitHub keeps owner casing); the tag keeps its case
 * because tags are case-sensitive. Tag and digest must follow the OCI grammar (a tag of 128
 * characters at most, a digest of its algorithm's exact length), so nothing malformed ever
 * reaches a registry request or a ConfigMap.
 */
export function imageEventFactory(vendor: string): (parts: ImageEventParts) => ImageEvent | InvalidReference {
  const names = new Map<string, Name>();
  function nameOf(registry: string, repository: string): Name {
    const host = registry.trim().toLowerCase();
    const path = trimSlashes(repository.trim().toLowerCase());
    const key = `${host}\n${path}`;
    const seen = names.get(key);
    if (seen !== undefined) return seen;
    if (names.size >= maxNames) names.clear();
    const name = parseName(host, path);
    names.set(key, name);
    return name;
  }
  return (parts) => {
    const rejected = checkTagAndDigest(parts);
    if (rejected !== undefined) return rejected;
    const name = nameOf(parts.registry, parts.repository);
    if (isInvalidReference(name)) return name;
    const { tag, digest } = parts;
    return {
      vendor,
      registry: name.registry,
      repository: name.repository,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    };
  };
}

/** One event (see `imageEventFactory`), for payloads that carry one. */
export function createImageEvent(vendor: string, parts: ImageEventParts): ImageEvent | InvalidReference {
  return imageEventFactory(vendor)(parts);
}
