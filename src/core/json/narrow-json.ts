/** Small readers for `unknown` JSON, so parsers can walk vendor payloads without casts. */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function recordAt(value: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return isRecord(field) ? field : undefined;
}

/** A string field, or undefined when missing, not a string, or empty after trimming. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "string" && field.trim() !== "" ? field.trim() : undefined;
}

export function arrayAt(value: unknown, key: string): readonly unknown[] | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return Array.isArray(field) ? field : undefined;
}

/** The host part of `host/path…` (no scheme), or of a URL. */
export function hostOf(reference: string): string | undefined {
  const withoutScheme = reference.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const host = withoutScheme.split("/")[0];
  return host === undefined || host === "" ? undefined : host;
}

/** Digests-as-tags (Harbor) and empty tags (ACR, GitHub) mark digest-only pushes. */
export function isDigestLike(tag: string): boolean {
  return /^[a-z0-9]+:[a-f0-9]{32,}$/i.test(tag);
}
