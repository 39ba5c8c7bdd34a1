/**
 * Artifact Registry and Container Registry: an OAuth access token from Application Default
 * Credentials (google-auth-library): a mounted service-account key named by
 * `GOOGLE_APPLICATION_CREDENTIALS`, else the metadata server (GKE Workload Identity; overridable
 * with `GCE_METADATA_HOST`). Used as the password of the fixed user `oauth2accesstoken`.
 */
import { GoogleAuth } from "google-auth-library";
import type { CloudTokenSource } from "./cloud-token.ts";
import { CloudCredentialError } from "./describe-cloud-error.ts";

export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

export interface GcpTokenSourceOptions {
  readonly auth?: GoogleAuth;
}

export function createGcpTokenSource(options: GcpTokenSourceOptions = {}): CloudTokenSource<"gcp"> {
  const auth = options.auth ?? new GoogleAuth({ scopes: [cloudPlatformScope] });
  return async () => {
    const client = await auth.getClient();
    const { token } = await client.getAccessToken();
    const expiresAt = client.credentials.expiry_date;
    if (!token || typeof expiresAt !== "number")
      throw new CloudCredentialError("Google credentials gave no access token with an expiry");
    return { username: "oauth2accesstoken", password: token, expiresAt };
  };
}
