/** Reads a token service answer (distribution token spec, docs/design/registry-protocols.md, Token authentication). */

export interface RegistryToken {
  readonly token: string;
  /** Lifetime in seconds: 60 when omitted, never less than 60, as the spec says. */
  readonly expiresInSeconds: number;
}

const minimumLifetimeSeconds = 60;

/** `token` and `access_token` are equivalent; undefined when neither is a non-empty string. */
export function parseTokenResponse(body: unknown): RegistryToken | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { token, access_token: accessToken, expires_in: expiresIn } = body as Record<string, unknown>;
  const value = typeof token === "string" && token !== "" ? token : accessToken;
  if (typeof value !== "string" || value === "") return undefined;
  const seconds =
    typeof expiresIn === "number" && Number.isFinite(expiresIn) ? expiresIn : minimumLifetimeSeconds;
  return { token: value, expiresInSeconds: Math.max(minimumLifetimeSeconds, seconds) };
}
