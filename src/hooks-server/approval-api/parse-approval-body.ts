/**
 * The approve/reject request body: the original's `{"approver"?, "reason"?}`. Unknown fields are
 * ignored (clients of the original may send more); known fields of the wrong type, or longer than
 * the CRD allows, are a 400 rather than a 422 from the apiserver later.
 */
import type { ApprovalAction } from "../../core/updaterequests/decide-approval.ts";

export const maxApproverLength = 128;
/** The CRD's `status.reason` maxLength. */
export const maxReasonLength = 1024;

export interface ApprovalBody {
  readonly approver?: string;
  readonly reason?: string;
}

export type ParsedApprovalBody =
  | { readonly ok: true; readonly value: ApprovalBody }
  | { readonly ok: false; readonly error: string };

/** An optional string field: absent, empty or null is no value; bounded and free of control characters. */
export function optionalText(
  value: unknown,
  field: string,
  max: number,
): { error: string } | { value?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value !== "string") return { error: `${field} must be a string` };
  if (value.length > max) return { error: `${field} must be at most ${max} characters` };
  // Control characters would let a client forge extra lines in logs and kubectl output.
  if (/\p{Cc}/u.test(value)) return { error: `${field} must not contain control characters` };
  return value === "" ? {} : { value };
}

export function parseApprovalBody(body: unknown, action: ApprovalAction): ParsedApprovalBody {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { ok: false, error: "request body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const approver = optionalText(fields.approver, "approver", maxApproverLength);
  if ("error" in approver) return { ok: false, error: approver.error };
  const value: { approver?: string; reason?: string } = {};
  if (approver.value !== undefined) value.approver = approver.value;
  if (action === "reject") {
    const reason = optionalText(fields.reason, "reason", maxReasonLength);
    if ("error" in reason) return { ok: false, error: reason.error };
    if (reason.value !== undefined) value.reason = reason.value;
  }
  return { ok: true, value };
}
