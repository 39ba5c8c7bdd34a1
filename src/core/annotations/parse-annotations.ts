/**
 * Reads a workload's annotations once, into one typed config. A bad value never throws: it
 * falls back to the safe default and yields an error message fit for a Kubernetes Event.
 */
import semver from "semver";
import { gitopsModes } from "../gitops/gitops-owner.ts";
import { annotations as names } from "../metadata-keys.ts";
import { compileTagRegex } from "../policy/compile-tag-regex.ts";
import {
  defaultExclusions,
  maxExclusions,
  maxGlobLength,
  type Policy,
  type PolicySpec,
  policies,
} from "../policy/policy-spec.ts";
import { maxMinImageAgeSeconds } from "../tags/tag-times.ts";
import { parseUpdateWindows } from "../windows/parse-update-windows.ts";
import { parseDuration } from "./parse-duration.ts";

export const eventSources = ["webhook", "polling", "both", "none"] as const;
export type EventSource = (typeof eventSources)[number];

export interface WorkloadConfig {
  readonly spec: PolicySpec;
  readonly requireApproval: boolean;
  readonly minUpdateIntervalSeconds: number;
  /** Container names or image repositories to manage; empty means every container. */
  readonly images: readonly string[];
  readonly eventSource: EventSource;
  readonly pollingIntervalSeconds: number | undefined;
  readonly autoRollback: boolean;
  readonly rollbackTimeoutSeconds: number;
  readonly healthCheckRetries: number;
  /** A tag is a candidate only once it has existed this long; 0: at once. */
  readonly minImageAgeSeconds: number;
}

export interface AnnotationError {
  readonly annotation: string;
  readonly value: string;
  readonly message: string;
}

export const defaults = {
  minUpdateIntervalSeconds: 300,
  rollbackTimeoutSeconds: 300,
  healthCheckRetries: 3,
  minPollingIntervalSeconds: 30,
} as const;

type Annotations = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly errors: AnnotationError[] = [];
  private readonly values: Annotations;

  constructor(values: Annotations) {
    this.values = values;
  }

  raw(name: string): string | undefined {
    const value = this.values[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  fail(annotation: string, value: string, message: string): void {
    this.errors.push({
      annotation,
      value,
      message: `invalid ${annotation} ${JSON.stringify(value)}: ${message}`,
    });
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if ((allowed as readonly string[]).includes(lower)) return lower as T;
    this.fail(name, value, `expected one of ${allowed.join(", ")}`);
    return fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    return this.oneOf(name, ["true", "false"], fallback ? "true" : "false") === "true";
  }

  seconds(name: string, fallback: number, minimum = 0, maximum = Number.POSITIVE_INFINITY): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const seconds = parseDuration(value);
    if (seconds === undefined)
      this.fail(name, value, "expected seconds or a duration such as 90s, 5m, 1h30m");
    else if (seconds < minimum) this.fail(name, value, `must be at least ${minimum} seconds`);
    else if (seconds > maximum) this.fail(name, value, `must be at most ${maximum} seconds`);
    else return seconds;
    return fallback;
  }

  count(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^[1-9]\d{0,3}$/.test(value)) return Number(value);
    this.fail(name, value, "expected a whole number from 1 to 9999");
    return fallback;
  }

  /** Checked here so a bad value is reported on the workload; the UpdateRequests hook reads it live. */
  windows(name: string): void {
    const value = this.raw(name);
    const parsed = value === undefined ? undefined : parseUpdateWindows(value);
    if (parsed !== undefined && !parsed.ok) this.fail(name, value ?? "", parsed.error);
  }

  list(name: string): string[] {
    return (this.raw(name) ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }
}

/** Why the pattern cannot be used under this policy, or undefined when it can. */
function patternError(policy: Policy, pattern: string | undefined): string | undefined {
  if (policy !== "glob" && policy !== "regex" && policy !== "force") return undefined;
  if (pattern === undefined) return policy === "force" ? undefined : `policy ${policy} needs a pattern`;
  if (policy !== "regex")
    return pattern.length > maxGlobLength ? `a glob is at most ${maxGlobLength} characters` : undefined;
  const compiled = compileTagRegex(pattern);
  return compiled.ok ? undefined : compiled.error;
}

function exclusionsError(exclude: readonly string[]): string | undefined {
  if (exclude.length > maxExclusions) return `at most ${maxExclusions} globs`;
  const long = exclude.find((glob) => glob.length > maxGlobLength);
  return long === undefined ? undefined : `a glob is at most ${maxGlobLength} characters`;
}

/** Any doubt about what the policy allows falls back to none: proposing nothing is always safe. */
function readPolicy(read: Reader): PolicySpec {
  let policy: Policy = read.oneOf(names.policy, policies, "none");
  const pattern = read.raw(names.pattern);
  const constraint = read.raw(names.constraint);
  const exclude = read.list(names.exclude);
  const badPattern = patternError(policy, pattern);
  const badExclusions = exclusionsError(exclude);
  if (badPattern !== undefined) {
    read.fail(names.pattern, pattern ?? "", badPattern);
    policy = "none";
  } else if (policy === "semver" && (constraint === undefined || semver.validRange(constraint) === null)) {
    read.fail(
      names.constraint,
      constraint ?? "",
      "policy semver needs a valid npm semver range, e.g. ^1.2.0",
    );
    policy = "none";
  }
  if (badExclusions !== undefined) {
    read.fail(names.exclude, read.raw(names.exclude) ?? "", badExclusions);
    policy = "none";
  }
  return {
    policy,
    pattern,
    constraint,
    includePrereleases: read.bool(names.includePrereleases, false),
    exclude: badExclusions === undefined ? [...defaultExclusions, ...exclude] : defaultExclusions,
  };
}

export function parseAnnotations(values: Annotations | undefined): {
  config: WorkloadConfig;
  errors: AnnotationError[];
} {
  const read = new Reader(values ?? {});
  const config: WorkloadConfig = {
    spec: readPolicy(read),
    requireApproval: read.bool(names.requireApproval, true),
    minUpdateIntervalSeconds: read.seconds(names.minUpdateInterval, defaults.minUpdateIntervalSeconds),
    images: read.list(names.images),
    eventSource: read.oneOf(names.eventSource, eventSources, "both"),
    pollingIntervalSeconds:
      read.raw(names.pollingInterval) === undefined
        ? undefined
        : read.seconds(names.pollingInterval, 300, defaults.minPollingIntervalSeconds),
    autoRollback: read.bool(names.autoRollback, false),
    rollbackTimeoutSeconds: read.seconds(names.rollbackTimeout, defaults.rollbackTimeoutSeconds, 1),
    healthCheckRetries: read.count(names.healthCheckRetries, defaults.healthCheckRetries),
    // A soak the owner asked for but mistyped holds updates back rather than dropping the soak.
    minImageAgeSeconds:
      read.raw(names.minImageAge) === undefined
        ? 0
        : read.seconds(names.minImageAge, maxMinImageAgeSeconds, 0, maxMinImageAgeSeconds),
  };
  read.windows(names.updateWindow);
  // Read live by the UpdateRequests hook; checked here so a typo is reported on the workload.
  read.oneOf(names.gitops, gitopsModes, "propose");
  return { config, errors: read.errors };
}
