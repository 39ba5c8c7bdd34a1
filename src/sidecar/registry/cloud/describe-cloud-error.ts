/**
 * Turns whatever a cloud SDK (or our own exchange) threw into a registry error kind and one short
 * line. `unauthorized` means asking again cannot help until someone fixes the identity or its
 * permissions; `unavailable` means it might (network, 5xx, timeouts).
 */
import type { RegistryErrorKind } from "../registry-result.ts";

/** An exchange we make by hand (ACR's `/oauth2/exchange`) failing with a known status. */
export class CloudCredentialError extends Error {
  override readonly name = "CloudCredentialError";
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** Names SDKs give to problems of configuration or permission rather than of the network. */
const refusals = [
  "CredentialsProviderError",
  "CredentialUnavailableError",
  "AuthenticationRequiredError",
  "AccessDenied",
  "AccessDeniedException",
  "InvalidIdentityToken",
  "IDPRejectedClaim",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
];
const maxDetailLength = 300;

function statusOf(error: object): number | undefined {
  const candidates = error as {
    status?: unknown;
    statusCode?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    response?: { status?: unknown };
  };
  const status =
    candidates.status ??
    candidates.statusCode ??
    candidates.$metadata?.httpStatusCode ??
    candidates.response?.status;
  return typeof status === "number" ? status : undefined;
}

export function describeCloudError(error: unknown): { kind: RegistryErrorKind; detail: string } {
  if (!(error instanceof Error))
    return { kind: "unavailable", detail: String(error).slice(0, maxDetailLength) };
  const status = statusOf(error);
  // AWS answers throttling with 400 too; waiting helps there.
  const throttled = /throttl|toomanyrequests|limitexceeded/i.test(error.name) || status === 429;
  const refused =
    !throttled && (refusals.includes(error.name) || status === 400 || status === 401 || status === 403);
  // SDK messages can carry server text across lines; a ConfigMap annotation and a log line want one.
  const message = error.message.replace(/\s+/g, " ").trim();
  const detail = `${error.name}: ${message}`.slice(0, maxDetailLength);
  return { kind: refused ? "unauthorized" : "unavailable", detail };
}
