/**
 * How hook calls are authenticated, from the environment. The server refuses to start without a
 * credential unless told, in so many words, that it runs without one (tests that call the hooks
 * without Metacontroller): an install that forgot the Secret must fail loudly, not run open.
 */

type Env = Readonly<Record<string, string | undefined>>;

export type HookAuth =
  | { readonly mode: "bearer"; readonly tokens: readonly string[] }
  | { readonly mode: "disabled" };

/** Long enough that guessing is hopeless (`openssl rand -hex 32` gives 64). */
export const minTokenLength = 32;

export function readHookAuth(env: Env, problems: string[]): HookAuth {
  const mode = env.HEADWIND_HOOK_AUTH ?? "bearer";
  if (mode === "disabled") return { mode };
  if (mode !== "bearer") {
    problems.push('HEADWIND_HOOK_AUTH must be "bearer" (the default) or "disabled"');
    return { mode: "disabled" };
  }
  const primary = env.HEADWIND_HOOK_TOKEN?.trim() ?? "";
  if (primary === "") {
    problems.push(
      "HEADWIND_HOOK_TOKEN is not set: create the hook credential Secret (see the README), " +
        "or set HEADWIND_HOOK_AUTH=disabled to accept unauthenticated hook calls",
    );
  }
  const extra = (env.HEADWIND_HOOK_EXTRA_TOKENS ?? "").split(/[\s,]+/).filter((t) => t !== "");
  const tokens = [primary, ...extra].filter((t) => t !== "");
  if (tokens.some((t) => t.length < minTokenLength))
    problems.push(`every hook token must have at least ${minTokenLength} characters`);
  return { mode, tokens };
}
