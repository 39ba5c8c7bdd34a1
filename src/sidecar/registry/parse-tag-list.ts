/** Reads one `GET /v2/<name>/tags/list` page body. */
import { isValidTag } from "../../core/tags/tag-grammar.ts";

export interface TagPage {
  /** The page's tags that follow the OCI grammar, in the registry's order. */
  readonly tags: string[];
  /** Entries left out: not strings, or not tags by the grammar (a newline, 129 characters, …). */
  readonly invalid: number;
}

/**
 * The page's tags (`null` from distribution means none), or undefined when the body is not a tag
 * list at all. One bad entry costs that entry only, never the repository's listing.
 */
export function parseTagList(body: unknown): TagPage | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { tags } = body as { tags?: unknown };
  if (tags === null || tags === undefined) return { tags: [], invalid: 0 };
  if (!Array.isArray(tags)) return undefined;
  const valid = tags.filter((tag): tag is string => typeof tag === "string" && isValidTag(tag));
  return { tags: valid, invalid: tags.length - valid.length };
}
