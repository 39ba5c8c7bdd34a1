import { describe, expect, it } from "vitest";
import { parseRollbackBody } from "../../../../src/hooks-server/approval-api/parse-rollback-body.ts";

describe("parseRollbackBody", () => {
  it.each([
    [undefined, { ok: true, value: {} }],
    [{}, { ok: true, value: { container: undefined, to: undefined } }],
    [
      { container: "app", to: "app:1.0", other: 1 },
      { ok: true, value: { container: "app", to: "app:1.0" } },
    ],
    [[], { ok: false, error: "request body must be a JSON object" }],
    [{ to: 3 }, { ok: false, error: "to must be a string" }],
    [{ container: "a\nb" }, { ok: false, error: "container must not contain control characters" }],
    [{ to: "x".repeat(4097) }, { ok: false, error: "to must be at most 4096 characters" }],
  ])("%j", (body, parsed) => {
    expect(parseRollbackBody(body)).toEqual(parsed);
  });
});
