import { describe, expect, it } from "vitest";
import { checkHookCredential } from "../../../../src/hooks-server/http/check-hook-credential.ts";

const current = "c".repeat(64);
const previous = "p".repeat(64);

describe("checkHookCredential", () => {
  // columns: Authorization header | accepted values | verdict
  it.each<[string | undefined, string[], string]>([
    [`Bearer ${current}`, [current], "ok"],
    [`bearer ${current}`, [current], "ok"],
    [`Bearer   ${current}  `, [current], "ok"],
    [`Bearer ${previous}`, [current, previous], "ok"],
    [`Bearer ${current}`, [current, previous], "ok"],
    [undefined, [current], "missing"],
    ["", [current], "missing"],
    ["   ", [current], "missing"],
    [`Bearer ${previous}`, [current], "invalid"],
    [`Bearer ${current.slice(1)}`, [current], "invalid"],
    [`Bearer ${current}x`, [current], "invalid"],
    [`Basic ${Buffer.from(`x:${current}`).toString("base64")}`, [current], "invalid"],
    [current, [current], "invalid"],
    ["Bearer", [current], "invalid"],
    [`Bearer ${current} ${current}`, [current], "invalid"],
    [`Bearer ${current}`, [], "invalid"],
  ])("%j against %j: %s", (header, accepted, verdict) => {
    expect(checkHookCredential(header, accepted)).toBe(verdict);
  });
});
