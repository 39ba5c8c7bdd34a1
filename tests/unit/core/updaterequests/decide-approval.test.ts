import { describe, expect, it } from "vitest";
import { decideApproval, personalStatus } from "../../../../src/core/updaterequests/decide-approval.ts";
import { phases } from "../../../../src/core/updaterequests/update-request.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

const now = Date.parse("2026-11-25T12:00:00.000Z");
const at = new Date(now).toISOString();

describe("decideApproval", () => {
  it("approves a Pending request, or one with no status yet", () => {
    for (const ur of [anUpdateRequest({ phase: "Pending" }), anUpdateRequest(), anUpdateRequest({})]) {
      expect(decideApproval(ur, "approve", { by: "alice" }, now)).toEqual({
        ok: true,
        status: { phase: "Approved", approvedBy: "alice", approvedAt: at },
      });
    }
  });

  it("rejects with a reason, or without one", () => {
    const ur = anUpdateRequest({ phase: "Pending" });
    expect(decideApproval(ur, "reject", { by: "bob", reason: "not now" }, now)).toEqual({
      ok: true,
      status: { phase: "Rejected", rejectedBy: "bob", reason: "not now" },
    });
    expect(decideApproval(ur, "reject", { by: "bob" }, now)).toEqual({
      ok: true,
      status: { phase: "Rejected", rejectedBy: "bob" },
    });
  });

  it.each(phases.filter((p) => p !== "Pending"))("refuses from %s, both ways", (phase) => {
    const ur = anUpdateRequest({ phase });
    for (const action of ["approve", "reject"] as const) {
      expect(decideApproval(ur, action, { by: "alice" }, now)).toEqual({
        ok: false,
        error: `UpdateRequest is in ${phase} state, cannot ${action}`,
        currentPhase: phase,
      });
    }
  });

  it("does not approve once expiresAt has passed (or is unreadable), but still rejects", () => {
    for (const expiresAt of [at, "2026-11-25T11:00:00.000Z", "soon"]) {
      const ur = anUpdateRequest({ phase: "Pending" }, { expiresAt });
      expect(decideApproval(ur, "approve", { by: "alice" }, now)).toEqual({
        ok: false,
        error: `UpdateRequest expired at ${expiresAt}, cannot approve`,
        currentPhase: "Pending",
      });
      expect(decideApproval(ur, "reject", { by: "alice" }, now).ok).toBe(true);
    }
  });
});

describe("personalStatus", () => {
  it("leaves the times to the hook: people write only phase, name and reason", () => {
    const status = { phase: "Approved" as const, approvedBy: "alice", approvedAt: at, reason: "ok" };
    expect(personalStatus(status)).toEqual({ phase: "Approved", approvedBy: "alice", reason: "ok" });
  });
});
