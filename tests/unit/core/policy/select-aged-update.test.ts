import { describe, expect, it } from "vitest";
import { parseImageRef } from "../../../../src/core/images/image-ref.ts";
import type { Policy } from "../../../../src/core/policy/policy-spec.ts";
import { selectAgedUpdate } from "../../../../src/core/policy/select-aged-update.ts";
import type { ObservedTags } from "../../../../src/core/tags/tag-configmap.ts";
import { aSpec } from "../../../helpers/policy-spec.ts";

const now = Date.parse("2026-11-25T12:00:00.000Z");
const nowS = now / 1000;
const hour = 3600;
const day = 86_400;

const ref = (image: string) => {
  const parsed = parseImageRef(image);
  if (parsed === undefined) throw new Error(image);
  return parsed;
};

// 1.25.3 runs. 1.26.0 was built 3 days ago; 1.27.0 first seen 2 h ago; 1.28.0 created 30 h ago but
// first seen 1 h ago (an old build tagged late: the registry's creation time wins); 2.0.0 is new;
// 1.25.4 was there at the first listing, 10 days ago.
const observed: ObservedTags = {
  repository: "docker.io/library/nginx",
  tags: ["1.25.3", "1.25.4", "1.26.0", "1.27.0", "1.28.0", "2.0.0"],
  digests: {},
  truncated: false,
  times: {
    since: nowS - 10 * day,
    created: { "1.26.0": nowS - 3 * day, "1.28.0": nowS - 30 * hour },
    seen: { "1.27.0": nowS - 2 * hour, "1.28.0": nowS - hour, "2.0.0": nowS - 60 },
  },
};

function decide(policy: Policy, minAge: number, tags = observed) {
  const { selection, recheckSeconds } = selectAgedUpdate(
    ref("nginx:1.25.3"),
    aSpec(policy),
    tags,
    minAge,
    now,
  );
  return { picked: selection.kind === "update" ? selection.tag : selection.reason, recheckSeconds };
}

describe("selectAgedUpdate", () => {
  it.each<[string, Policy, number, string, number | undefined]>([
    ["no minimum: the best tag", "major", 0, "2.0.0", undefined],
    ["the best tag is old enough", "minor", 24 * hour, "1.28.0", undefined],
    [
      "the best is too young: the best old one, and a recheck when it comes of age",
      "major",
      24 * hour,
      "1.28.0",
      24 * hour - 60,
    ],
    [
      "nothing old enough: wait, saying for how long",
      "major",
      12 * day,
      "2.0.0 is younger than min-image-age 12d for 1036740s more",
      1_036_740,
    ],
    ["a tag from the first listing is as old as the listing", "patch", 9 * day, "1.25.4", undefined],
  ])("%s", (_, policy, minAge, picked, recheckSeconds) => {
    expect(decide(policy, minAge)).toEqual({ picked, recheckSeconds });
  });

  it("36 h: 1.28.0 (created 30 h ago) waits 6 h, 1.26.0 meanwhile", () => {
    expect(decide("minor", 36 * hour)).toEqual({ picked: "1.26.0", recheckSeconds: 6 * hour });
  });

  it("ages unknown (a ConfigMap from an older sidecar): no candidate rather than a guess", () => {
    const { times: _, ...withoutTimes } = observed;
    expect(decide("major", hour, withoutTimes)).toEqual({
      picked: "min-image-age 1h: no tag ages recorded for this repository yet",
      recheckSeconds: undefined,
    });
  });

  it("ages unknown but no minimum asked: unaffected", () => {
    const { times: _, ...withoutTimes } = observed;
    expect(decide("major", 0, withoutTimes).picked).toBe("2.0.0");
  });
});
