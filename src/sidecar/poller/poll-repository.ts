/** One repository's poll: every tag from every page, plus digests for the digest-tracked tags. */

import type { ObservedTags } from "../../core/tags/tag-configmap.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import type { RegistryResult } from "../registry/registry-result.ts";
import type { RegistryCredentials } from "../registry/select-credentials.ts";

/**
 * Lists the tags, then HEADs only the digest tags that exist (a missing tag has no digest to
 * learn, and a HEAD per absent tag would waste quota). A tag deleted between the listing and its
 * HEAD is left without a digest; any other failure fails the whole poll, so a partial answer is
 * never written over a complete one.
 */
export async function pollRepository(
  client: RegistryClient,
  item: { readonly repository: string; readonly digestTags: readonly string[] },
  credentials?: RegistryCredentials,
): Promise<RegistryResult<ObservedTags>> {
  const listing = await client.listTags(item.repository, credentials);
  if (!listing.ok) return listing;
  const present = new Set(listing.value.tags);
  const digests: Record<string, string> = {};
  for (const tag of item.digestTags) {
    if (!present.has(tag)) continue;
    const digest = await client.headDigest(item.repository, tag, credentials);
    if (digest.ok) digests[tag] = digest.value;
    else if (digest.error.kind !== "not-found") return digest;
  }
  return {
    ok: true,
    value: {
      repository: item.repository,
      tags: listing.value.tags,
      digests,
      truncated: !listing.value.complete,
    },
  };
}
