/**
 * The verdict of an authentication check. `stale` means the signature is good but the signed time
 * is outside the window — a replay, answered like one.
 */
export type AuthResult =
  | { readonly kind: "ok" }
  | { readonly kind: "unauthorized"; readonly reason: string }
  | { readonly kind: "stale"; readonly reason: string };
