/**
 * The process environment for tests that run cloud SDKs: every variable through which an SDK could
 * pick up this machine's own credentials or a non-loopback endpoint is removed, AWS IMDS is
 * disabled, shared config files and gcloud's config point into an empty directory, and then the
 * test's own variables (loopback endpoint overrides, token files) are set. Undone by
 * `vi.unstubAllEnvs()`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";

const cleared = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL_ECR",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "GCE_METADATA_HOST",
  "GCE_METADATA_IP",
  "METADATA_SERVER_DETECTION",
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_AUTHORITY_HOST",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "http_proxy",
  "https_proxy",
];

/** A fresh directory for token files and empty SDK config. */
export function cloudTestDir(): string {
  return mkdtempSync(join(tmpdir(), "headwind-cloud-"));
}

/** Writes `content` to `name` in `dir` and answers the path (projected token files). */
export function tokenFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export function stubCloudEnv(dir: string, variables: Readonly<Record<string, string>>): void {
  for (const key of cleared) vi.stubEnv(key, undefined);
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv("AWS_CONFIG_FILE", join(dir, "no-aws-config"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-aws-credentials"));
  vi.stubEnv("CLOUDSDK_CONFIG", dir);
  for (const [key, value] of Object.entries(variables)) vi.stubEnv(key, value);
}
