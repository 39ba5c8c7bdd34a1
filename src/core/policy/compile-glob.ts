/**
 * Globs for tags (`headwind.sh/pattern` under glob/force, `headwind.sh/exclude`): `*` matches any
 * run of characters, everything else is literal, and the glob covers the whole tag.
 *
 * Matched without a regular expression: the text between stars is found left to right, each
 * piece at its first place after the previous one. For star-only globs that first place is always
 * a right choice (any later match leaves less room for the rest), so nothing is retried and a
 * match costs at most one scan of the tag per piece — `*a*a*a*a*b` against a long run of `a`
 * included, which a backtracking translation took seconds over.
 */
export type TagMatcher = (tag: string) => boolean;

export function compileGlob(glob: string): TagMatcher {
  const pieces = glob.split("*");
  const first = pieces[0] ?? "";
  if (pieces.length === 1) return (tag) => tag === first;
  const last = pieces[pieces.length - 1] ?? "";
  const middle = pieces.slice(1, -1).filter((piece) => piece.length > 0);
  const fixed = first.length + last.length;
  return (tag) => {
    if (tag.length < fixed || !tag.startsWith(first) || !tag.endsWith(last)) return false;
    const end = tag.length - last.length;
    let at = first.length;
    for (const piece of middle) {
      const found = tag.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
