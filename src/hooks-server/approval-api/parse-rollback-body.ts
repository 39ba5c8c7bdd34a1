/**
 * The rollback request body: `{"container"?, "to"?}` (which container, which image from its
 * history). An empty body asks for the image before the current one of the only container with
 * history. Unknown fields are ignored, as in the approve/reject bodies.
 */

import type { Context } from "hono";
import type { Result } from "../../core/result.ts";
import type { RollbackAsk } from "../../core/updaterequests/rollback-request.ts";
import { type BodyResult, readJson } from "../http/read-json.ts";
import { optionalText } from "./parse-approval-body.ts";

export type ParsedRollbackBody = Result<RollbackAsk>;

export function parseRollbackBody(body: unknown): ParsedRollbackBody {
  if (body === undefined || body === null) return { ok: true, value: {} };
  if (typeof body !== "object" || Array.isArray(body))
    return { ok: false, error: "request body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const container = optionalText(fields.container, "container", 253);
  if (!container.ok) return container;
  const to = optionalText(fields.to, "to", 4096);
  if (!to.ok) return to;
  return { ok: true, value: { container: container.value, to: to.value } };
}

/** The ask of a rollback request; no body at all is a plain "roll back" (the image before). */
export async function readRollbackAsk(c: Context): Promise<BodyResult<RollbackAsk>> {
  const empty = c.req.header("content-type") === undefined && (await c.req.text()) === "";
  const read = empty ? { ok: true as const, value: undefined } : await readJson(c);
  if (!read.ok) return read;
  const body = parseRollbackBody(read.value);
  return body.ok ? body : { ok: false, status: 400, error: body.error };
}
