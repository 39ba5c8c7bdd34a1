/**
 * Picks the credentials for one registry out of dockerconfigjson documents (the decoded
 * `.dockerconfigjson` of imagePullSecrets), the way the kubelet and Docker match `auths` keys.
 */

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
  /** Never sent to a host other than the registry's own, even a token realm it names (cloud credentials). */
  readonly sameHostOnly?: boolean;
}

const dockerHubKeys = [
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
  "https://index.docker.io/v1/",
];

/** `https://host/v1/` → `host`; keys compare on host[:port], case-insensitively. */
function keyHost(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = withoutScheme.indexOf("/");
  return (slash < 0 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase();
}

function hostsFor(registry: string): Set<string> {
  const host = registry.toLowerCase();
  return new Set(host === "docker.io" ? dockerHubKeys.map(keyHost) : [host]);
}

function decodeAuth(auth: string): RegistryCredentials | undefined {
  const decoded = Buffer.from(auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readEntry(entry: unknown): RegistryCredentials | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const { username, password, auth } = entry as Record<string, unknown>;
  if (typeof username === "string" && username !== "" && typeof password === "string") {
    return { username, password };
  }
  return typeof auth === "string" && auth !== "" ? decodeAuth(auth) : undefined;
}

function authsOf(config: unknown): [string, unknown][] {
  if (typeof config !== "object" || config === null) return [];
  const { auths } = config as { auths?: unknown };
  return typeof auths === "object" && auths !== null ? Object.entries(auths) : [];
}

/**
 * The first usable entry for `registry` (normalised, e.g. `docker.io`), searching the documents in
 * order (imagePullSecrets order) — or undefined: anonymous access. Malformed documents and
 * entries are skipped, never thrown on: they come from users' Secrets.
 */
export function selectCredentials(
  dockerConfigs: readonly unknown[],
  registry: string,
): RegistryCredentials | undefined {
  const wanted = hostsFor(registry);
  for (const config of dockerConfigs) {
    for (const [key, entry] of authsOf(config)) {
      if (!wanted.has(keyHost(key))) continue;
      const credentials = readEntry(entry);
      if (credentials !== undefined) return credentials;
    }
  }
  return undefined;
}
