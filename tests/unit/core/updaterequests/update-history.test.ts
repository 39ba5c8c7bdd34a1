import { describe, expect, it } from "vitest";
import { mergeHistory, parseHistory } from "../../../../src/core/updaterequests/update-history.ts";
import { aFinishedRequest as finished } from "../../../helpers/update-requests.ts";

describe("mergeHistory", () => {
  it("keeps 10 entries per container, newest first, containers independent", () => {
    const urs = [
      ...Array.from({ length: 15 }, (_, i) => finished(i, "Completed")),
      finished(0, "Completed", "sidecar"),
    ];
    const history = mergeHistory([], urs, 10);
    expect(history.filter((e) => e.container === "nginx")).toHaveLength(10);
    expect(history.filter((e) => e.container === "sidecar")).toHaveLength(1);
    expect(history[0]).toEqual({
      container: "nginx",
      image: "nginx:1.0.15",
      previousImage: "nginx:1.0.14",
      timestamp: "2026-01-01T00:14:00.000Z",
      updateRequestName: "ur-nginx-14",
      approvedBy: "alice",
    });
  });

  it("records a rollback as the restored image, by headwind-auto-rollback", () => {
    const [entry] = mergeHistory([], [finished(3, "RolledBack")], 10);
    expect(entry).toMatchObject({
      image: "nginx:1.0.3",
      previousImage: "nginx:1.0.4",
      approvedBy: "headwind-auto-rollback",
    });
  });

  it("records a person's rollback as the image they went back to, marked as a rollback", () => {
    const rollback = finished(7, "Completed", "nginx", {
      type: "rollback",
      requestedBy: "bob",
      currentImage: "nginx:1.0.8",
      newImage: "nginx:1.0.7",
    });
    const [entry] = mergeHistory(
      [],
      [{ ...rollback, status: { ...rollback.status, approvedBy: "bob" } }],
      10,
    );
    expect(entry).toMatchObject({
      image: "nginx:1.0.7",
      previousImage: "nginx:1.0.8",
      approvedBy: "bob",
      type: "rollback",
    });
  });

  it("merges with what the annotation already holds, without duplicates", () => {
    const first = mergeHistory([], [finished(1, "Completed")], 10);
    const again = mergeHistory(
      parseHistory(JSON.stringify(first)),
      [finished(1, "Completed"), finished(2, "Completed")],
      10,
    );
    expect(again.map((e) => e.updateRequestName)).toEqual(["ur-nginx-2", "ur-nginx-1"]);
  });

  it.each(["not json", "{}", '[{"container":1}]'])(
    "treats a broken annotation %j as empty history",
    (text) => {
      expect(parseHistory(text)).toEqual([]);
    },
  );
});
