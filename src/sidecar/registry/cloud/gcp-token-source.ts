/**
 * Artifact Registry and Container Registry: an OAuth access token from Application Default
 * Credentials (google-auth-library): a mounted service-account key named by
 * `GOOGLE_APPLICATION_CREDENTIALS`, else the metadata server (GKE Workload Identity; overridable
 * with `GCE_METADATA_HOST`). Used as the password of the fixed user `oauth2accesstoken`.
 */
import { GoogleAuth } from "google-auth-library";
import type { CloudTokenSource } from "./cloud-token.ts";
import { CloudCredentialError } from "./describe-cloud-error.ts";

const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

export interface GcpTokenSourceOptions {
  readonly auth?: GoogleAuth;
}

export function createGcpTokenSource(options: GcpTokenSourceOptions = {}): CloudTokenSource<"gcp"> {
  const auth =
    options.auth ??
    new GoogleAuth({
      scopes: [cloudPlatformScope],
      // No project is needed for a registry token; naming one stops the library from looking for
      // it, which it does by running `gcloud` when that is installed.
      projectId: "unused-by-headwind",
      // The expiring cache around this source decides when to refresh; the library's own cache
      // would hand back the token being replaced.
      clientOptions: { eagerRefreshThresholdMillis: Number.MAX_SAFE_INTEGER },
    });
  return async () => {
    const client = await auth.getClient();
    const { token } = await client.getAccessToken();
    const expiresAt = client.credentials.expiry_date;
    if (!token || typeof expiresAt !== "number")
      throw new CloudCredentialError("Google credentials gave no access token with an expiry");
    return { username: "oauth2accesstoken", password: token, expiresAt };
  };
}
