/** Splits the normalised `registry/repository` key (see `repositoryKey`) back into its parts. */

export interface RepositoryName {
  /** Normalised registry host, e.g. `docker.io` or `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `library/nginx`. */
  readonly repository: string;
}

/** Returns undefined when the key has no registry part or an empty repository. */
export function splitRepositoryKey(key: string): RepositoryName | undefined {
  const slash = key.indexOf("/");
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return { registry: key.slice(0, slash), repository: key.slice(slash + 1) };
}
