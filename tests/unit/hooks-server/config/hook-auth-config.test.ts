import { describe, expect, it } from "vitest";
import { minTokenLength, readHookAuth } from "../../../../src/hooks-server/config/hook-auth-config.ts";

const a = "a".repeat(minTokenLength);
const b = "b".repeat(40);
const c = "c".repeat(64);

function read(env: Record<string, string>) {
  const problems: string[] = [];
  return { auth: readHookAuth(env, problems), problems };
}

describe("readHookAuth", () => {
  it("takes the credential and any extra values accepted during a rotation", () => {
    expect(read({ HEADWIND_HOOK_TOKEN: ` ${a}\n` })).toEqual({
      auth: { mode: "bearer", tokens: [a] },
      problems: [],
    });
    expect(read({ HEADWIND_HOOK_TOKEN: a, HEADWIND_HOOK_EXTRA_TOKENS: `${b},\n${c} ` })).toEqual({
      auth: { mode: "bearer", tokens: [a, b, c] },
      problems: [],
    });
  });

  it("is off only when told so in so many words", () => {
    expect(read({ HEADWIND_HOOK_AUTH: "disabled" })).toEqual({ auth: { mode: "disabled" }, problems: [] });
    expect(read({ HEADWIND_HOOK_AUTH: "off", HEADWIND_HOOK_TOKEN: a }).problems).toEqual([
      'HEADWIND_HOOK_AUTH must be "bearer" (the default) or "disabled"',
    ]);
  });

  it("refuses no credential, and a short one", () => {
    expect(read({}).problems).toEqual([
      "HEADWIND_HOOK_TOKEN is not set: create the hook credential Secret (see the README), " +
        "or set HEADWIND_HOOK_AUTH=disabled to accept unauthenticated hook calls",
    ]);
    expect(read({ HEADWIND_HOOK_TOKEN: "   " }).problems).toHaveLength(1);
    expect(read({ HEADWIND_HOOK_TOKEN: a, HEADWIND_HOOK_EXTRA_TOKENS: "short" }).problems).toEqual([
      `every hook token must have at least ${minTokenLength} characters`,
    ]);
  });
});
