/**
 * The one shape of a fallible operation that reports instead of throwing (parsing what a request or
 * a registry sent, reading a tag ConfigMap): branch on `ok`, then read `value` or `error`. Results
 * that carry more than a value or an error on one side (a decision with its phase, a refusal with
 * its reason) keep their own named fields; docs/decisions/one-clock-one-result.md lists them.
 */
export type Result<T, E = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };
