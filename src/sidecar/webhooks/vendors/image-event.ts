/**
 * The one thing every vendor webhook is reduced to: "this repository may have a new tag/digest".
 * It is only a hint — the caller confirms it with a registry HEAD before recording anything,
 * because most vendors (Docker Hub, Quay, ACR, distribution) cannot authenticate the payload.
 */
import { parseImageRef } from "../../../core/images/image-ref.ts";

export interface ImageEvent {
  /** The parser that produced the event (`dockerhub`, `harbor`, …). */
  readonly vendor: string;
  /** Normalised registry host, as `parseImageRef` gives it (`docker.io` for every Docker Hub alias). */
  readonly registry: string;
  /** Normalised repository path (`library/nginx`, `acme/web`). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export interface ImageEventParts {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

/** Drops leading and trailing slashes in one pass (`/\/+$/` retries from every slash of a run). */
function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path[start] === "/") start++;
  while (end > start && path[end - 1] === "/") end--;
  return path.slice(start, end);
}

/**
 * Builds a normalised event, or returns the reason the parts do not form a valid reference.
 * Host and path are lowercased (GitHub keeps owner casing); the tag keeps its case because tags
 * are case-sensitive.
 */
export function createImageEvent(vendor: string, parts: ImageEventParts): ImageEvent | string {
  const host = parts.registry.trim().toLowerCase();
  const path = trimSlashes(parts.repository.trim().toLowerCase());
  const tag = parts.tag === undefined ? "" : `:${parts.tag}`;
  const digest = parts.digest === undefined ? "" : `@${parts.digest}`;
  const ref = parseImageRef(`${host}/${path}${tag}${digest}`);
  // A host without a dot, port or `localhost` would be read as a Docker Hub namespace.
  if (ref === undefined || ref.domain === undefined || path.length === 0) {
    return `not a valid image reference: ${clip(host)}/${clip(path)}`;
  }
  return {
    vendor,
    registry: ref.registry,
    repository: ref.repository,
    ...(ref.tag === undefined ? {} : { tag: ref.tag }),
    ...(ref.digest === undefined ? {} : { digest: ref.digest }),
  };
}

/** Keeps reasons short: they end up in logs and responses. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
