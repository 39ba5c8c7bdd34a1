import { describe, expect, it } from "vitest";
import { parseApprovalBody } from "../../../../src/hooks-server/approval-api/parse-approval-body.ts";

describe("parseApprovalBody", () => {
  it.each<[unknown, "approve" | "reject", unknown]>([
    [{}, "approve", { ok: true, value: {} }],
    [{ approver: "web-ui" }, "approve", { ok: true, value: { approver: "web-ui" } }],
    [{ approver: "", reason: "" }, "reject", { ok: true, value: {} }],
    [{ approver: null }, "approve", { ok: true, value: {} }],
    [{ reason: "later" }, "reject", { ok: true, value: { reason: "later" } }],
    // The original's approve takes no reason; it is not recorded.
    [{ reason: "later" }, "approve", { ok: true, value: {} }],
    [{ approver: "x", extra: [1, 2] }, "approve", { ok: true, value: { approver: "x" } }],
    [[], "approve", { ok: false, error: "request body must be a JSON object" }],
    ["approve", "approve", { ok: false, error: "request body must be a JSON object" }],
    [null, "reject", { ok: false, error: "request body must be a JSON object" }],
    [{ approver: ["a"] }, "approve", { ok: false, error: "approver must be a string" }],
    [{ reason: 42 }, "reject", { ok: false, error: "reason must be a string" }],
    [
      { approver: "a".repeat(129) },
      "reject",
      { ok: false, error: "approver must be at most 128 characters" },
    ],
    [{ reason: "r".repeat(1025) }, "reject", { ok: false, error: "reason must be at most 1024 characters" }],
    [{ reason: "ok\u0000" }, "reject", { ok: false, error: "reason must not contain control characters" }],
  ])("%j (%s) → %j", (body, action, expected) => {
    expect(parseApprovalBody(body, action)).toEqual(expected);
  });
});
