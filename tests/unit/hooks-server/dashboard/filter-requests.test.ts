import { describe, expect, it } from "vitest";
import {
  filterQuery,
  readFilter,
  splitRequests,
} from "../../../../src/hooks-server/dashboard/filter-requests.ts";
import { aFinishedRequest, aNamedRequest } from "../../../helpers/update-requests.ts";

const named = aNamedRequest;

describe("splitRequests", () => {
  it("puts waiting requests first, oldest first (they expire first), history newest first", () => {
    const urs = [
      named("p2", "2026-01-02T00:00:00Z"),
      named("p1", "2026-01-01T00:00:00Z", { phase: "Pending" }),
      aFinishedRequest(1, "Completed"),
      aFinishedRequest(3, "Rejected"),
    ];
    const { pending, history } = splitRequests(urs, { namespace: "", phase: "", text: "" });
    expect(pending.map((u) => u.metadata.name)).toEqual(["p1", "p2"]);
    expect(history.map((u) => u.metadata.name)).toEqual(["ur-nginx-3", "ur-nginx-1"]);
  });

  it("filters by phase and by text in names and images", () => {
    const urs = [aFinishedRequest(1, "Completed"), aFinishedRequest(2, "Rejected")];
    expect(splitRequests(urs, { namespace: "", phase: "Rejected", text: "" }).history).toHaveLength(1);
    expect(
      splitRequests(urs, { namespace: "", phase: "", text: "NGINX:1.0.2" }).history.map(
        (u) => u.metadata.name,
      ),
    ).toEqual(["ur-nginx-2", "ur-nginx-1"]);
  });
});

describe("readFilter", () => {
  it("keeps only a valid namespace and bounded text, and writes the same query back", () => {
    const query = new URLSearchParams({ namespace: "Bad Name", phase: "Pending", q: "x".repeat(500) });
    const filter = readFilter((name) => query.get(name) ?? undefined);
    expect(filter).toEqual({ namespace: "", phase: "Pending", text: "x".repeat(200) });
    expect(filterQuery({ namespace: "shop", phase: "", text: "web" })).toBe("namespace=shop&phase=&q=web");
  });
});
