/**
 * Tags and digests as the OCI distribution spec writes them. Everything a registry or a webhook
 * names is checked here before it is stored or read back: a tag with a newline could split the
 * ConfigMap's one-tag-a-line encoding, and a 100 KB "tag" would make every decision slow.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */

export const maxTagLength = 128;

/** `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`: one unambiguous character class per position, linear. */
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Registered digest algorithms and the length of their lowercase hex encoding (OCI image spec). */
const hexLengths: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha512", 128],
  ["blake3", 64],
]);
const lowerHex = /^[a-f0-9]+$/;

export function isValidTag(value: string): boolean {
  return tagPattern.test(value);
}

export function isValidDigest(value: string): boolean {
  const colon = value.indexOf(":");
  if (colon < 0) return false;
  const encoded = value.slice(colon + 1);
  return hexLengths.get(value.slice(0, colon)) === encoded.length && lowerHex.test(encoded);
}
