/**
 * Issue 8's hostile inputs at scale: whole decisions (tags read and indexed included) over 1,000
 * and 10,000 tags that once froze the hooks server, and the costliest regular expression the
 * annotation caps still let a tenant write. tests/unit/core/policy/hostile-inputs.test.ts holds
 * the 50 ms bound; this shows how the cost grows (linearly).
 */
import { bench, describe } from "vitest";
import { parseImageRef } from "../src/core/images/image-ref.ts";
import { defaultExclusions, type PolicySpec } from "../src/core/policy/policy-spec.ts";
import { selectUpdate } from "../src/core/policy/select-update.ts";
import {
  hostileExclusions,
  hostileGlobs,
  letterRunTags,
  rcDigitTags,
} from "../tests/helpers/adversarial-tags.ts";
import { aSpec } from "../tests/helpers/policy-spec.ts";

const image = parseImageRef("registry.example/app:1.0-rc1");
if (image === undefined) throw new Error("bad bench image");
const current = image;

function decide(spec: PolicySpec, tags: readonly string[]) {
  selectUpdate(current, spec, { repository: "registry.example/app", tags, digests: {}, truncated: false });
}

/** Distinct tags beyond the generators' 1,000: a counter keeps them valid and unique. */
function scaled(make: (n: number) => string[], count: number): string[] {
  const base = make(1_000);
  return Array.from(
    { length: count },
    (_, i) => `${base[i % base.length]?.slice(0, 120)}${Math.floor(i / 1_000)}`,
  );
}

const rc = { 1000: rcDigitTags(1_000), 10000: scaled(rcDigitTags, 10_000) };
const runs = { 1000: letterRunTags(1_000), 10000: scaled(letterRunTags, 10_000) };
const exclusions = aSpec("minor", { exclude: [...defaultExclusions, ...hostileExclusions] });
const costliestRegex = aSpec("regex", { pattern: "^(.*a)(.*a)(.*a)(.*a)$" });

for (const count of [1_000, 10_000] as const) {
  describe(`hostile decisions over ${count.toLocaleString("en")} tags`, () => {
    bench("minor, tags 1.0-rc + digits + x", () => decide(aSpec("minor"), rc[count]));
    bench("regex ^(a+)+$, runs of a", () => decide(aSpec("regex", { pattern: "^(a+)+$" }), runs[count]));
    bench(`glob ${hostileGlobs[0]}, runs of a`, () =>
      decide(aSpec("glob", { pattern: hostileGlobs[0] }), runs[count]),
    );
    bench("minor, four hostile exclusions, runs of a", () => decide(exclusions, runs[count]));
    bench("costliest regex within the caps, runs of a", () => decide(costliestRegex, runs[count]));
  });
}
