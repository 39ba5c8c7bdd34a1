/** Constant-time string comparison for secrets and signatures. */
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * `timingSafeEqual` needs equal lengths and would leak the length by throwing; comparing fixed-size
 * digests of both sides hides it.
 */
export function safeEqual(actual: string, expected: string): boolean {
  const a = createHash("sha256").update(actual).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
