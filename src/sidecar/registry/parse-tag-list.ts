/** Reads one `GET /v2/<name>/tags/list` page body. */

/** The page's tags (`null` from distribution means none), or undefined when the body is not a tag list. */
export function parseTagList(body: unknown): string[] | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { tags } = body as { tags?: unknown };
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) return undefined;
  return tags;
}
