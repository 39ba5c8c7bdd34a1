/** Where a registry's API lives: scheme and API host for a normalised registry name. */

/** Docker Hub's registry API is not served on `docker.io` itself (docs/design/registry-protocols.md, Token authentication). */
const dockerHubApiHost = "registry-1.docker.io";

function hostWithoutPort(registry: string): string {
  if (registry.startsWith("[")) return registry.slice(0, registry.indexOf("]") + 1);
  const colon = registry.lastIndexOf(":");
  return colon < 0 ? registry : registry.slice(0, colon);
}

/** Loopback speaks plain HTTP by default, like the Docker daemon's built-in insecure list. */
function isLoopback(registry: string): boolean {
  const host = hostWithoutPort(registry);
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

/**
 * The origin (`https://host[:port]`) to call for a registry: https unless the registry is on
 * loopback or listed as insecure; `docker.io` maps to Docker Hub's API host.
 */
export function resolveRegistryOrigin(registry: string, insecureRegistries: ReadonlySet<string>): string {
  const host = registry === "docker.io" ? dockerHubApiHost : registry;
  const scheme = isLoopback(registry) || insecureRegistries.has(registry) ? "http" : "https";
  return `${scheme}://${host}`;
}
