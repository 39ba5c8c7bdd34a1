/**
 * Image references as users write them, parsed once into parts that keep the user's spelling
 * (for writing back) and a normalised form (for matching across spellings).
 */
import { isValidTag } from "../tags/tag-grammar.ts";

export interface ImageRef {
  /** The registry host exactly as written, or undefined when the user left it implicit (Docker Hub). */
  readonly domain: string | undefined;
  /** The repository path exactly as written (`nginx`, `library/nginx`, `org/app`). */
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** Normalised registry host: `docker.io` for every Docker Hub alias, lowercased. */
  readonly registry: string;
  /** Normalised repository: Docker Hub single names gain `library/`. */
  readonly repository: string;
}

const dockerHubAliases = new Set([
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
]);
const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const pathComponent = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const domainPattern =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$|^\[[0-9a-fA-F:]+\](?::\d+)?$/;

/** Docker's rule: the first component is a host when it has a dot or a port, or is `localhost`. */
function isDomain(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

function splitDigest(text: string): [string, string | undefined] {
  const at = text.indexOf("@");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function splitTag(text: string): [string, string | undefined] {
  const colon = text.lastIndexOf(":");
  if (colon < 0 || text.indexOf("/", colon) >= 0) return [text, undefined];
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function validParts(
  domain: string | undefined,
  path: string,
  tag: string | undefined,
  digest: string | undefined,
): boolean {
  if (digest !== undefined && !digestPattern.test(digest)) return false;
  if (tag !== undefined && !isValidTag(tag)) return false;
  if (domain !== undefined && !domainPattern.test(domain)) return false;
  return path.split("/").every((part) => pathComponent.test(part));
}

/** Parses an image reference; returns undefined for anything that is not a valid reference. */
export function parseImageRef(input: string): ImageRef | undefined {
  const text = input.trim();
  if (text.length === 0 || text.length > 4096) return undefined;
  const [nameAndTag, digest] = splitDigest(text);
  const [name, tag] = splitTag(nameAndTag);
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const domain = slash >= 0 && isDomain(first) ? first : undefined;
  const path = domain === undefined ? name : name.slice(slash + 1);
  if (!validParts(domain, path, tag, digest)) return undefined;
  const host = domain?.toLowerCase() ?? "docker.io";
  const registry = dockerHubAliases.has(host) ? "docker.io" : host;
  const repository = registry === "docker.io" && !path.includes("/") ? `library/${path}` : path;
  return { domain, path, tag, digest, registry, repository };
}

/** The normalised `registry/repository` key used to match images across spellings. */
export function repositoryKey(ref: Pick<ImageRef, "registry" | "repository">): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Writes a reference back in the user's own spelling (implicit host stays implicit). */
export function formatImageRef(ref: Pick<ImageRef, "domain" | "path" | "tag" | "digest">): string {
  const name = ref.domain === undefined ? ref.path : `${ref.domain}/${ref.path}`;
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${name}${tag}${digest}`;
}

/** The tag a reference runs: an untagged, undigested reference means `latest`, as the runtime reads it. */
export function effectiveTag(ref: ImageRef): string | undefined {
  if (ref.tag !== undefined) return ref.tag;
  return ref.digest === undefined ? "latest" : undefined;
}
