/** Error values for registry answers that end a request: refused credentials and other statuses. */
import type { AuthContext } from "./create-registry-authenticator.ts";
import { type RegistryResult, registryError } from "./registry-result.ts";

/** A 401/403 after the auth dance: says whether credentials were missing or refused. */
export function rejectedError(context: AuthContext, status: number): RegistryResult<never> {
  const { registry, repository, credentials } = context;
  let detail = `${registry} requires credentials for ${repository} and none are configured`;
  if (credentials !== undefined) {
    detail =
      status === 403
        ? `credentials for ${registry} do not allow pulling ${repository}`
        : `credentials for ${registry} were rejected`;
  }
  return { ok: false, error: registryError("unauthorized", registry, detail, status) };
}

/** Maps a non-success status that survived auth and retries; `what` names the thing asked for. */
export function statusError(context: AuthContext, what: string, status: number): RegistryResult<never> {
  const { registry } = context;
  if (status === 401 || status === 403) return rejectedError(context, status);
  if (status === 404) {
    return { ok: false, error: registryError("not-found", registry, `${what} does not exist`, status) };
  }
  const kind = status >= 500 ? "unavailable" : "protocol";
  return {
    ok: false,
    error: registryError(kind, registry, `${registry} answered ${status} for ${what}`, status),
  };
}
