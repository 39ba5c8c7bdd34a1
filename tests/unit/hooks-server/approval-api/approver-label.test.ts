import { describe, expect, it } from "vitest";
import {
  approverLabel,
  maxApprovedByLength,
} from "../../../../src/hooks-server/approval-api/approver-label.ts";

describe("approverLabel", () => {
  it.each<[string, string | undefined, string]>([
    ["alice", undefined, "alice"],
    ["alice", "", "alice"],
    ["alice", "alice", "alice"],
    ["alice", "web-ui", "alice (approver: web-ui)"],
    ["system:serviceaccount:ci:deployer", "bob", "system:serviceaccount:ci:deployer (approver: bob)"],
  ])("%s with hint %s → %s", (user, hint, label) => {
    expect(approverLabel(user, hint)).toBe(label);
  });

  it("always starts with the authenticated user and fits the CRD's 253 characters", () => {
    const label = approverLabel("alice", "h".repeat(400));
    expect(label.length).toBe(maxApprovedByLength);
    expect(label.startsWith("alice (approver: hhh")).toBe(true);
    expect(label.endsWith("...)")).toBe(true);
  });

  it("a user name too long for a hint is kept alone, cut to 253", () => {
    const user = `system:serviceaccount:${"n".repeat(63)}:${"s".repeat(240)}`;
    expect(approverLabel(user, "web-ui")).toBe(user.slice(0, 253));
  });
});
