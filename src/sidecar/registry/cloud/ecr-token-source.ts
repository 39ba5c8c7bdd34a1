/**
 * ECR: the pod's AWS identity (the SDK's default chain: IRSA's web-identity token file and role
 * through STS `AssumeRoleWithWebIdentity`, EKS Pod Identity's container credentials endpoint, or
 * any other source the chain knows) signs `GetAuthorizationToken` in the registry's region; the
 * answer is `AWS:<password>`, valid for 12 hours, used as basic credentials.
 *
 * One credential chain serves every region, so the STS answer is fetched once and shared (the
 * chain memoizes it until shortly before it expires). Endpoints follow the SDK's documented
 * overrides (`AWS_ENDPOINT_URL_ECR`, `AWS_ENDPOINT_URL_STS`).
 */
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { CloudTokenSource } from "./cloud-token.ts";
import { CloudCredentialError } from "./describe-cloud-error.ts";

export interface EcrTokenSourceOptions {
  /** The credential chain; the SDK's default chain (memoized) when absent. */
  readonly credentials?: ReturnType<typeof defaultProvider>;
}

function decodeAuthorization(token: string): { username: string; password: string } {
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw new CloudCredentialError("ECR sent an authorization token that is not user:password");
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function createEcrTokenSource(options: EcrTokenSourceOptions = {}): CloudTokenSource<"aws"> {
  const credentials = options.credentials ?? defaultProvider();
  return async (target) => {
    const client = new ECRClient({
      region: target.region,
      useFipsEndpoint: target.fips,
      credentials,
      maxAttempts: 2,
    });
    try {
      const answer = await client.send(new GetAuthorizationTokenCommand({}));
      const data = answer.authorizationData?.[0];
      if (data?.authorizationToken === undefined || data.expiresAt === undefined)
        throw new CloudCredentialError("ECR answered GetAuthorizationToken without a token");
      return { ...decodeAuthorization(data.authorizationToken), expiresAt: data.expiresAt.getTime() };
    } finally {
      client.destroy();
    }
  };
}
