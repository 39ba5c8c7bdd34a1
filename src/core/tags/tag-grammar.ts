/**
 * The OCI distribution grammar for tags and digests (distribution-spec, "Pulling manifests";
 * image-spec descriptor.md#digests), checked wherever one enters from outside: registry answers,
 * webhook payloads, ConfigMaps read back. Both patterns are single character classes with one
 * quantifier each, so a check is linear in the input and the length guard runs first.
 */

const maxTagLength = 128;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** The registered algorithms and the length of their lowercase hex encoding. */
const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };
const lowerHex = /^[a-f0-9]*$/;

/** At most 128 characters of `[A-Za-z0-9_][A-Za-z0-9._-]*`: no newline, slash, colon or space. */
export function isValidTag(tag: string): boolean {
  return tag.length > 0 && tag.length <= maxTagLength && tagPattern.test(tag);
}

/**
 * `algorithm:hex` with a registered algorithm and exactly its length of lowercase hex. Other
 * algorithms are refused: their right length is unknown, and no registry serves them.
 */
export function isValidDigest(digest: string): boolean {
  const colon = digest.indexOf(":");
  if (colon < 0) return false;
  const algorithm = digest.slice(0, colon);
  if (!Object.hasOwn(digestHexLength, algorithm)) return false;
  const length = digestHexLength[algorithm];
  const hex = digest.slice(colon + 1);
  return hex.length === length && lowerHex.test(hex);
}
