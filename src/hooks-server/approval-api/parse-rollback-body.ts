/**
 * The rollback request body: `{"container"?, "to"?}` (which container, which image from its
 * history). An empty body asks for the image before the current one of the only container with
 * history. Unknown fields are ignored, as in the approve/reject bodies.
 */
import type { RollbackAsk } from "../../core/updaterequests/rollback-request.ts";
import { optionalText } from "./parse-approval-body.ts";

export type ParsedRollbackBody =
  | { readonly ok: true; readonly value: RollbackAsk }
  | { readonly ok: false; readonly error: string };

export function parseRollbackBody(body: unknown): ParsedRollbackBody {
  if (body === undefined || body === null) return { ok: true, value: {} };
  if (typeof body !== "object" || Array.isArray(body))
    return { ok: false, error: "request body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const container = optionalText(fields.container, "container", 253);
  if ("error" in container) return { ok: false, error: container.error };
  const to = optionalText(fields.to, "to", 4096);
  if ("error" in to) return { ok: false, error: to.error };
  return { ok: true, value: { container: container.value, to: to.value } };
}
