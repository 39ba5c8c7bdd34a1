/**
 * Reads registry creation times for a few tags per poll (`headwind.sh/min-image-age`). Only tags
 * that are new to the ConfigMap (all of them on a repository's first listing) and have none yet,
 * highest versions first — the ones a policy would pick — and at most `limit` per poll, since each
 * costs two or three GETs (which registries such as Docker Hub count as pulls). A failed lookup is
 * no failure of the poll: that tag is dated from when it was first seen instead.
 */
import { byVersionDescending, type ObservedTags } from "../../core/tags/tag-configmap.ts";
import { isBelievableCreated } from "../../core/tags/tag-times.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import type { RegistryCredentials } from "../registry/select-credentials.ts";

export const creationLookupsPerPoll = 5;
/** Signature, attestation and SBOM tags: never a candidate, never worth a lookup. */
const artifactTag = /^sha256-|\.(?:sig|att|sbom)$/;

/** The tags to look up, in order. */
export function pickCreationLookups(
  previous: Pick<ObservedTags, "tags" | "times"> | undefined,
  tags: readonly string[],
  limit: number,
): string[] {
  const known = new Set(previous?.tags ?? []);
  return tags
    .filter((tag) => !known.has(tag) && previous?.times?.created[tag] === undefined && !artifactTag.test(tag))
    .sort(byVersionDescending)
    .slice(0, limit);
}

export async function lookUpCreated(
  client: Pick<RegistryClient, "imageCreated">,
  repository: string,
  tags: readonly string[],
  nowSeconds: number,
  credentials?: RegistryCredentials,
): Promise<Record<string, number>> {
  const created: Record<string, number> = {};
  for (const tag of tags) {
    const found = await client.imageCreated(repository, tag, credentials);
    if (found.ok && found.value !== undefined && isBelievableCreated(found.value, nowSeconds))
      created[tag] = found.value;
  }
  return created;
}
