/** Finds the next tag-list page in a `Link` header (RFC 8288, OCI distribution-spec end-8b). */

export type NextPage =
  | { readonly kind: "none" }
  | { readonly kind: "next"; readonly url: string }
  /** A next link on another origin: never followed, so credentials never leak (Renovate does the same). */
  | { readonly kind: "cross-origin"; readonly url: string };

// `[^<>]`, not `[^>]`: an attempt from each `<` stops at the next one, so a header of unclosed
// brackets (a registry's answer, so untrusted) is read in one pass instead of once per bracket.
const linkValue = /<([^<>]*)>\s*((?:;\s*[^;,]+)*)/g;
const relParam = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i;

/** `rel` holds space-separated relation types; `next` must be one of them, not a prefix. */
function isNext(params: string): boolean {
  const match = params.match(relParam);
  const value = match?.[1] ?? match?.[2] ?? "";
  return value.toLowerCase().split(/\s+/).includes("next");
}

/** Resolves the `rel="next"` target against the URL of the request that returned it. */
export function parseLinkNext(header: string | null | undefined, requestUrl: string): NextPage {
  if (!header) return { kind: "none" };
  for (const match of header.matchAll(linkValue)) {
    const [, target = "", params = ""] = match;
    if (!isNext(params)) continue;
    let resolved: URL;
    try {
      resolved = new URL(target, requestUrl);
    } catch {
      return { kind: "none" };
    }
    const sameOrigin = resolved.origin === new URL(requestUrl).origin;
    return { kind: sameOrigin ? "next" : "cross-origin", url: resolved.href };
  }
  return { kind: "none" };
}
