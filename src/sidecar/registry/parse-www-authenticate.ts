/** Parses `WWW-Authenticate` challenges (RFC 7235), as registries send them before the token flow. */

export interface AuthChallenge {
  /** Lowercased scheme: `bearer`, `basic`, … */
  readonly scheme: string;
  /** Lowercased parameter names; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

// A scheme token, or one auth-param (name = token | quoted-string), each followed by an optional comma.
const piece = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*,?/gy;

/**
 * Returns every challenge in the header; a header may list several (e.g. Bearer and Basic,
 * docs/design/registry-protocols.md, Token authentication). Unparseable text ends the parse with what was read so far.
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  if (!header) return challenges;
  piece.lastIndex = 0;
  for (let match = piece.exec(header); match !== null && match[0].length > 0; match = piece.exec(header)) {
    const [, name = "", quoted, bare] = match;
    const current = challenges.at(-1);
    if (quoted === undefined && bare === undefined)
      challenges.push({ scheme: name.toLowerCase(), params: {} });
    else if (current !== undefined)
      current.params[name.toLowerCase()] = quoted?.replace(/\\(.)/g, "$1") ?? bare ?? "";
  }
  return challenges;
}
