/** Reads Docker Hub style `ratelimit-limit` / `ratelimit-remaining` headers (docs/design/registry-protocols.md, Politeness). */

export interface RateLimit {
  readonly remaining: number;
  /** The `limit` quota, when the registry sent it. */
  readonly limit: number | undefined;
  /** The `w=` window in seconds, when the registry sent it. */
  readonly windowSeconds: number | undefined;
}

function readQuota(header: string | null): { value: number; window: number | undefined } | undefined {
  const match = header?.match(/^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?/);
  if (!match) return undefined;
  return { value: Number(match[1]), window: match[2] === undefined ? undefined : Number(match[2]) };
}

/** Undefined when the registry sent no `ratelimit-remaining` (Docker Hub: unlimited). */
export function parseRateLimit(headers: Headers): RateLimit | undefined {
  const remaining = readQuota(headers.get("ratelimit-remaining"));
  if (remaining === undefined) return undefined;
  const limit = readQuota(headers.get("ratelimit-limit"));
  return {
    remaining: remaining.value,
    limit: limit?.value,
    windowSeconds: remaining.window ?? limit?.window,
  };
}
