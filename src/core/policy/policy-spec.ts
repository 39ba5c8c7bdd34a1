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

/**
 * Bounds on what a workload may ask, so every decision stays cheap whatever the repository holds:
 * a glob longer than a tag (128 characters) could only match through its stars, and more
 * exclusions than this are a list to prune, not a policy. Regex bounds: compile-tag-regex.ts.
 */
export const maxGlobLength = 128;
export const maxExclusions = 32;

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
