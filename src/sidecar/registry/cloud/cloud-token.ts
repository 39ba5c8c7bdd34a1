/** What every cloud's exchange ends in: registry basic credentials that stop working at `expiresAt`. */
import type { CloudTarget } from "./provider-for-host.ts";

export interface CloudToken {
  /** `AWS` (ECR), `oauth2accesstoken` (Google), the null GUID (ACR refresh tokens). */
  readonly username: string;
  readonly password: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

type TargetOf<P extends CloudTarget["provider"]> = Extract<CloudTarget, { provider: P }>;

/** One cloud's exchange for a registry host it serves; throws (an SDK error or CloudCredentialError) on failure. */
export type CloudTokenSource<P extends CloudTarget["provider"]> = (
  target: TargetOf<P>,
  registry: string,
) => Promise<CloudToken>;

export interface CloudTokenSources {
  readonly aws?: CloudTokenSource<"aws">;
  readonly gcp?: CloudTokenSource<"gcp">;
  readonly azure?: CloudTokenSource<"azure">;
}
