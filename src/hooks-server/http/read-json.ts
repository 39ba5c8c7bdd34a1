/** Reads a JSON request body once, telling the caller which 4xx a bad body deserves. */
import type { Context } from "hono";

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 415; error: string };

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
