import { defaultExclusions, type Policy, type PolicySpec } from "../../src/core/policy/policy-spec.ts";

export function aSpec(policy: Policy, extra: Partial<PolicySpec> = {}): PolicySpec {
  return {
    policy,
    pattern: undefined,
    constraint: undefined,
    includePrereleases: false,
    exclude: defaultExclusions,
    ...extra,
  };
}
