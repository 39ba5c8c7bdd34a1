/** Hex HMAC over raw bytes: signatures are always checked on the bytes received, never re-serialised JSON. */
import { createHmac } from "node:crypto";

export function hmacHex(
  algorithm: "sha256" | "sha1",
  secret: string,
  ...parts: (string | Uint8Array)[]
): string {
  const hmac = createHmac(algorithm, secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}
