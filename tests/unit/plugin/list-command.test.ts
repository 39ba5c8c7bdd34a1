import { describe, expect, it } from "vitest";
import { decidedBy, orderForPeople } from "../../../src/plugin/list-command.ts";
import { aNamedRequest, anUpdateRequest } from "../../helpers/update-requests.ts";

const named = aNamedRequest;

describe("list order", () => {
  it("puts requests waiting for a person first, then running ones, then finished; newest first in each", () => {
    const urs = [
      named("done", "2026-01-05T00:00:00Z", { phase: "Completed" }),
      named("old-pending", "2026-01-01T00:00:00Z", { phase: "Pending" }),
      named("running", "2026-01-02T00:00:00Z", { phase: "Progressing" }),
      named("new-pending", "2026-01-03T00:00:00Z"),
    ];
    expect(orderForPeople(urs).map((ur) => ur.metadata.name)).toEqual([
      "new-pending",
      "old-pending",
      "running",
      "done",
    ]);
  });

  it("shows who decided, or who asked for a rollback", () => {
    expect(decidedBy(anUpdateRequest({ phase: "Rejected", rejectedBy: "carol" }))).toBe("carol");
    expect(decidedBy(anUpdateRequest(undefined, { type: "rollback", requestedBy: "dave" }))).toBe("dave");
  });
});
