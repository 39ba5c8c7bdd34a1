/**
 * Credential scopes: whose credentials read a repository, and so who may see what they read —
 * credentials never cross namespaces. A namespace whose own pull secrets hold credentials for the registry gets a scope
 * of its own, read with those and shown to its workloads only. Every other namespace shares one
 * scope, read with the shared credentials — anonymous unless the operator configured some for
 * everyone (HEADWIND_REGISTRY_CREDENTIALS) or the sidecar's cloud identity for that cloud's hosts. A namespace whose
 * Secrets cannot be read is left out with a failure, costing that namespace only.
 */
import { chooseCredentials } from "../registry/cloud/choose-credentials.ts";
import type { CloudCredentials } from "../registry/cloud/create-cloud-credentials.ts";
import { type RegistryCredentials, selectCredentials } from "../registry/select-credentials.ts";
import type { NamespaceUse, SecretRef } from "./merge-interest.ts";

export interface CredentialScope {
  /** The namespace whose own pull secrets gave `credentials`; undefined for the shared scope. */
  readonly namespace: string | undefined;
  readonly credentials: RegistryCredentials | undefined;
  /** The namespaces this scope serves (one for a namespace's own scope). */
  readonly namespaces: readonly string[];
  /** Digest tags the served namespaces follow. */
  readonly digestTags: readonly string[];
}

export interface ScopeFailure {
  /** The namespace whose credentials could not be loaded; undefined for the shared ones. */
  readonly namespace: string | undefined;
  readonly message: string;
}

export interface ScopeResolution {
  /** Namespace scopes sorted by namespace, then the shared scope when any namespace falls to it. */
  readonly scopes: readonly CredentialScope[];
  readonly failed: readonly ScopeFailure[];
}

/** Credentials of the shared scope for a registry; undefined means anonymous. */
export type SharedCredentials = (registry: string) => Promise<RegistryCredentials | undefined>;

export type CredentialResolver = (
  registry: string,
  uses: readonly NamespaceUse[],
) => Promise<ScopeResolution>;

export interface CredentialResolverDeps {
  /** The decoded `.dockerconfigjson` documents of these Secrets (missing or unreadable ones left out). */
  readonly loadDockerConfigs: (refs: readonly SecretRef[]) => Promise<readonly unknown[]>;
  readonly sharedCredentials: SharedCredentials;
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The shared scope's credentials: the first operator-configured Secret that matches the registry,
 * else the sidecar's cloud identity for a host of that cloud (`chooseCredentials`), else anonymous.
 * A cloud provider that fails throws: the shared scope of that registry fails alone.
 */
export function sharedCredentials(
  loadDockerConfigs: CredentialResolverDeps["loadDockerConfigs"],
  secrets: readonly SecretRef[],
  cloud?: CloudCredentials,
): SharedCredentials {
  return async (registry) => {
    const configs = secrets.length === 0 ? [] : await loadDockerConfigs(secrets);
    const chosen = await chooseCredentials(configs, registry, cloud);
    if (!chosen.ok) throw new Error(chosen.error.message);
    return chosen.value;
  };
}

export function createCredentialResolver(deps: CredentialResolverDeps): CredentialResolver {
  async function ownCredentials(registry: string, use: NamespaceUse) {
    if (use.pullSecrets.length === 0) return undefined;
    return selectCredentials(await deps.loadDockerConfigs(use.pullSecrets), registry);
  }

  return async (registry, uses) => {
    const scopes: CredentialScope[] = [];
    const failed: ScopeFailure[] = [];
    const shared: NamespaceUse[] = [];
    const own = await Promise.all(
      uses.map((use) =>
        ownCredentials(registry, use).then(
          (credentials) => ({ use, credentials }),
          (cause: unknown) => ({ use, cause }),
        ),
      ),
    );
    for (const answer of own) {
      const { use } = answer;
      if ("cause" in answer)
        failed.push({ namespace: use.namespace, message: `credentials: ${messageOf(answer.cause)}` });
      else if (answer.credentials === undefined) shared.push(use);
      else {
        const { namespace, digestTags } = use;
        scopes.push({ namespace, credentials: answer.credentials, namespaces: [namespace], digestTags });
      }
    }
    if (shared.length === 0) return { scopes, failed };
    try {
      scopes.push({
        namespace: undefined,
        credentials: await deps.sharedCredentials(registry),
        namespaces: shared.map((use) => use.namespace),
        digestTags: [...new Set(shared.flatMap((use) => use.digestTags))].sort(),
      });
    } catch (cause) {
      failed.push({ namespace: undefined, message: messageOf(cause) });
    }
    return { scopes, failed };
  };
}
