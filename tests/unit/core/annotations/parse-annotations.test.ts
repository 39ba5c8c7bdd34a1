import { describe, expect, it } from "vitest";
import { parseAnnotations } from "../../../../src/core/annotations/parse-annotations.ts";
import { parseDuration } from "../../../../src/core/annotations/parse-duration.ts";
import { defaultExclusions } from "../../../../src/core/policy/policy-spec.ts";

const h = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`headwind.sh/${k}`, v]));

describe("parseAnnotations", () => {
  it("gives the documented defaults", () => {
    const { config, errors } = parseAnnotations({});
    expect(errors).toEqual([]);
    expect(config).toEqual({
      spec: {
        policy: "none",
        pattern: undefined,
        constraint: undefined,
        includePrereleases: false,
        exclude: defaultExclusions,
      },
      requireApproval: true,
      minUpdateIntervalSeconds: 300,
      images: [],
      eventSource: "both",
      pollingIntervalSeconds: undefined,
      autoRollback: false,
      rollbackTimeoutSeconds: 300,
      healthCheckRetries: 3,
      minImageAgeSeconds: 0,
    });
  });

  it("reads every annotation (docs/design/original-headwind.md)", () => {
    const { config, errors } = parseAnnotations(
      h({
        policy: "Minor",
        "require-approval": "false",
        images: "nginx, redis,,",
        "min-update-interval": "600",
        "event-source": "POLLING",
        "polling-interval": "2m",
        "auto-rollback": "true",
        "rollback-timeout": "900",
        "health-check-retries": "5",
        "include-prereleases": "TRUE",
        exclude: "*-debug, nightly-*",
        "min-image-age": "24h",
      }),
    );
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      spec: {
        policy: "minor",
        includePrereleases: true,
        exclude: [...defaultExclusions, "*-debug", "nightly-*"],
      },
      requireApproval: false,
      images: ["nginx", "redis"],
      minUpdateIntervalSeconds: 600,
      eventSource: "polling",
      pollingIntervalSeconds: 120,
      minImageAgeSeconds: 86_400,
      autoRollback: true,
      rollbackTimeoutSeconds: 900,
      healthCheckRetries: 5,
    });
  });

  // Columns: annotations, the message, what the value falls back to.
  it.each<[Record<string, string>, string, Record<string, unknown>]>([
    [
      { policy: "sometimes" },
      'invalid headwind.sh/policy "sometimes": expected one of none, patch, minor, major, all, glob, force, semver, regex, digest',
      { spec: { policy: "none" } },
    ],
    [
      { policy: "glob" },
      'invalid headwind.sh/pattern "": policy glob needs a pattern',
      { spec: { policy: "none" } },
    ],
    [
      { policy: "regex", pattern: "(" },
      'invalid headwind.sh/pattern "(": not a valid regular expression (RE2 syntax: missing closing ) at "(")',
      { spec: { policy: "none" } },
    ],
    [
      { policy: "semver", constraint: "one" },
      'invalid headwind.sh/constraint "one": policy semver needs a valid npm semver range, e.g. ^1.2.0',
      { spec: { policy: "none" } },
    ],
    [
      { "require-approval": "no" },
      'invalid headwind.sh/require-approval "no": expected one of true, false',
      { requireApproval: true },
    ],
    [
      { "auto-rollback": "not-a-bool" },
      'invalid headwind.sh/auto-rollback "not-a-bool": expected one of true, false',
      { autoRollback: false },
    ],
    [
      { "rollback-timeout": "not-a-number" },
      'invalid headwind.sh/rollback-timeout "not-a-number": expected seconds or a duration such as 90s, 5m, 1h30m',
      { rollbackTimeoutSeconds: 300 },
    ],
    [
      { "health-check-retries": "invalid" },
      'invalid headwind.sh/health-check-retries "invalid": expected a whole number from 1 to 9999',
      { healthCheckRetries: 3 },
    ],
    [
      { "min-update-interval": "-5" },
      'invalid headwind.sh/min-update-interval "-5": expected seconds or a duration such as 90s, 5m, 1h30m',
      { minUpdateIntervalSeconds: 300 },
    ],
    [
      { "polling-interval": "5s" },
      'invalid headwind.sh/polling-interval "5s": must be at least 30 seconds',
      { pollingIntervalSeconds: 300 },
    ],
    [
      { "event-source": "carrier-pigeon" },
      'invalid headwind.sh/event-source "carrier-pigeon": expected one of webhook, polling, both, none',
      { eventSource: "both" },
    ],
    [
      { policy: "regex", pattern: "^(?=v)\\d+$" },
      'invalid headwind.sh/pattern "^(?=v)\\\\d+$": not a valid regular expression (RE2 syntax: invalid or unsupported Perl syntax at "(?=")',
      { spec: { policy: "none" } },
    ],
    [
      { policy: "regex", pattern: `^v${"\\d".repeat(200)}$` },
      `invalid headwind.sh/pattern "^v${"\\\\d".repeat(200)}$": longer than 256 characters`,
      { spec: { policy: "none" } },
    ],
    [
      { policy: "regex", pattern: "(.*a){6}$" },
      'invalid headwind.sh/pattern "(.*a){6}$": too costly to run on untrusted tags (33 RE2 instructions; at most 16 unless RE2 can match it one-pass: start with ^ and let each character decide the path, e.g. ^v([0-9.]+)$)',
      { spec: { policy: "none" } },
    ],
    [
      { policy: "glob", pattern: "*a".repeat(65) },
      `invalid headwind.sh/pattern "${"*a".repeat(65)}": a glob is at most 128 characters`,
      { spec: { policy: "none" } },
    ],
    [
      { policy: "minor", exclude: Array.from({ length: 33 }, (_, i) => `${i}.*`).join(",") },
      `invalid headwind.sh/exclude "${Array.from({ length: 33 }, (_, i) => `${i}.*`).join(",")}": at most 32 globs`,
      { spec: { policy: "none", exclude: defaultExclusions } },
    ],
    [
      { policy: "minor", exclude: `*-debug,${"*".repeat(129)}` },
      `invalid headwind.sh/exclude "*-debug,${"*".repeat(129)}": a glob is at most 128 characters`,
      { spec: { policy: "none", exclude: defaultExclusions } },
    ],
    [
      { "include-prereleases": "yes" },
      'invalid headwind.sh/include-prereleases "yes": expected one of true, false',
      { spec: { includePrereleases: false } },
    ],
    [
      { "min-image-age": "a day" },
      'invalid headwind.sh/min-image-age "a day": expected seconds or a duration such as 90s, 5m, 1h30m',
      { minImageAgeSeconds: 7_776_000 },
    ],
    [
      { "min-image-age": "91d" },
      'invalid headwind.sh/min-image-age "91d": must be at most 7776000 seconds',
      { minImageAgeSeconds: 7_776_000 },
    ],
    [{ gitops: "sometimes" }, 'invalid headwind.sh/gitops "sometimes": expected one of propose, patch', {}],
    [
      { "update-window": "Mon-Fri 02:00-04:00 Mars/Olympus" },
      'invalid headwind.sh/update-window "Mon-Fri 02:00-04:00 Mars/Olympus": "Mars/Olympus" is not a time zone (e.g. Europe/Berlin, UTC)',
      {},
    ],
  ])("reports %j clearly and falls back safely", (values, message, fallback) => {
    const { config, errors } = parseAnnotations(h(values));
    expect(errors.map((e) => e.message)).toEqual([message]);
    expect(config).toMatchObject(fallback);
  });

  it("accepts update windows (checked here, applied by the UpdateRequests hook)", () => {
    expect(
      parseAnnotations(h({ "update-window": "Mon-Fri 02:00-04:00 Europe/Berlin; Sat 10:00-12:00" })).errors,
    ).toEqual([]);
    expect(parseAnnotations(h({ "update-window": "always" })).errors).toEqual([]);
  });

  it("ignores annotations it does not know", () => {
    expect(parseAnnotations({ "headwind.sh/unknown": "x", "other.io/policy": "major" }).errors).toEqual([]);
  });
});

describe("parseDuration", () => {
  it.each<[string, number | undefined]>([
    ["600", 600],
    ["90s", 90],
    ["5m", 300],
    ["1h30m", 5400],
    ["2d", 172_800],
    [" 10 ", 10],
    ["1.5h", undefined],
    ["-1", undefined],
    ["m", undefined],
    ["", undefined],
  ])("%j is %s seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});
