/**
 * The approve/reject request body: the original's `{"approver"?, "reason"?}`. Unknown fields are
 * ignored (clients of the original may send more); known fields of the wrong type, or longer than
 * the CRD allows, are a 400 rather than a 422 from the apiserver later.
 */
import type { Result } from "../../core/result.ts";
import type { ApprovalAction } from "../../core/updaterequests/decide-approval.ts";

export const maxApproverLength = 128;
/** The CRD's `status.reason` maxLength. */
export const maxReasonLength = 1024;

export interface ApprovalBody {
  readonly approver?: string;
  readonly reason?: string;
}

export type ParsedApprovalBody = Result<ApprovalBody>;

/** An optional string field: absent, empty or null is no value; bounded and free of control characters. */
export function optionalText(value: unknown, field: string, max: number): Result<string | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== "string") return { ok: false, error: `${field} must be a string` };
  if (value.length > max) return { ok: false, error: `${field} must be at most ${max} characters` };
  // Control characters would let a client forge extra lines in logs and kubectl output.
  if (/\p{Cc}/u.test(value)) return { ok: false, error: `${field} must not contain control characters` };
  return { ok: true, value: value === "" ? undefined : value };
}

export function parseApprovalBody(body: unknown, action: ApprovalAction): ParsedApprovalBody {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { ok: false, error: "request body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const approver = optionalText(fields.approver, "approver", maxApproverLength);
  if (!approver.ok) return approver;
  const value: { approver?: string; reason?: string } = {};
  if (approver.value !== undefined) value.approver = approver.value;
  if (action === "reject") {
    const reason = optionalText(fields.reason, "reason", maxReasonLength);
    if (!reason.ok) return reason;
    if (reason.value !== undefined) value.reason = reason.value;
  }
  return { ok: true, value };
}
