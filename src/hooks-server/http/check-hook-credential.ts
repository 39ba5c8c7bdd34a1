/**
 * Whether a hook call carries the credential Metacontroller sends (`webhook.authorization` in
 * hooks/*.yaml: `Authorization: Bearer <value from the Secret>`). Several values may be accepted
 * at once, so the Secret can be rotated without a moment in which Metacontroller and the server
 * disagree. Every accepted value is compared, in constant time, whether or not one matched.
 */
import { safeEqual } from "../../core/crypto/safe-equal.ts";

export type CredentialVerdict = "ok" | "missing" | "invalid";

const bearer = /^bearer[ \t]+(\S+)[ \t]*$/i;

export function checkHookCredential(
  authorization: string | undefined,
  accepted: readonly string[],
): CredentialVerdict {
  if (authorization === undefined || authorization.trim() === "") return "missing";
  const token = bearer.exec(authorization)?.[1];
  if (token === undefined) return "invalid";
  let match = false;
  for (const value of accepted) match = safeEqual(token, value) || match;
  return match ? "ok" : "invalid";
}
