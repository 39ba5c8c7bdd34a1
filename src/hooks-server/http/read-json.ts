/** Reads a JSON request body once, telling the caller which 4xx a bad body deserves. */
import type { Context } from "hono";

/** A request body read (and parsed) for a handler: a failure says which 4xx it deserves. */
export type BodyResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: 400 | 415; readonly error: string };

export type JsonBody = BodyResult<unknown>;

export async function readJson(c: Context): Promise<JsonBody> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    return { ok: false, status: 415, error: "expected Content-Type application/json" };
  }
  const text = await c.req.text();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, error: "request body is not valid JSON" };
  }
}
