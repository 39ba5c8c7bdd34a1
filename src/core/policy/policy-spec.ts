/** What a workload asks of its images, parsed from its annotations (see parse-annotations.ts). */

export const policies = [
  "none",
  "patch",
  "minor",
  "major",
  "all",
  "glob",
  "force",
  "semver",
  "regex",
  "digest",
] as const;
export type Policy = (typeof policies)[number];

/** Signature, attestation and SBOM tags that cosign and friends push next to images. */
export const defaultExclusions: readonly string[] = ["*.sig", "*.att", "*.sbom", "sha256-*"];

export interface PolicySpec {
  readonly policy: Policy;
  /** Glob (policy glob/force) or regular expression (policy regex). */
  readonly pattern: string | undefined;
  /** npm semver range (policy semver). */
  readonly constraint: string | undefined;
  readonly includePrereleases: boolean;
  /** Globs of tags never proposed; always includes defaultExclusions. */
  readonly exclude: readonly string[];
}
