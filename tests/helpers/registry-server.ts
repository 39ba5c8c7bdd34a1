/**
 * Starts a real CNCF distribution registry (Debian's `docker-registry`) on 127.0.0.1 at a free
 * port, with a temporary storage directory and a generated config; optional htpasswd or token
 * auth and a notifications endpoint. Tests stop it by PID in afterAll.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/**
 * Precomputed bcrypt (cost 10) of `htpasswdPassword`: distribution accepts only bcrypt lines, and a
 * fixed hash spares a bcrypt dependency (made once with bcryptjs 3.0.3 `hashSync`).
 */
export const htpasswdUser = "headwind";
export const htpasswdPassword = "headwind-secret";
const htpasswdHash = "$2b$10$..NKQ3BoBWi6rHpbgevCwOVmVBYoNFtFTkjthQFsgEHGGRdlD3NvS";
/** The `Authorization` header of the htpasswd user, for pushes to a locked registry. */
export const htpasswdBasic = `Basic ${Buffer.from(`${htpasswdUser}:${htpasswdPassword}`).toString("base64")}`;

export type RegistryAuth =
  | { readonly kind: "htpasswd" }
  | {
      readonly kind: "token";
      readonly realm: string;
      readonly service: string;
      readonly issuer: string;
      /** PEM file with the certificate that signs the tokens. */
      readonly rootCertBundle: string;
    };

export interface RegistryServerOptions {
  readonly auth?: RegistryAuth;
  /** POST target for distribution notifications. */
  readonly notificationsUrl?: string;
}

export interface RegistryServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `127.0.0.1:<port>`: the registry part of image references and repository keys. */
  readonly host: string;
  readonly pid: number;
  /** What the registry printed, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export const registryBinary = "docker-registry";

/** Fails loudly (never skips) when the registry binary is missing. */
export function assertRegistryInstalled(): void {
  const probe = spawnSync(registryBinary, ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `${registryBinary} is not installed; the registry tier needs it: apt-get update && apt-get install -y docker-registry`,
    );
  }
}

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function authConfig(auth: RegistryAuth | undefined, dir: string): Record<string, unknown> | undefined {
  if (auth === undefined) return undefined;
  if (auth.kind === "htpasswd") return { htpasswd: { realm: "headwind-test", path: join(dir, "htpasswd") } };
  const { realm, service, issuer, rootCertBundle } = auth;
  return { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
}

function buildConfig(dir: string, port: number, options: RegistryServerOptions): Record<string, unknown> {
  const notifications = options.notificationsUrl
    ? {
        endpoints: [
          {
            name: "headwind-test",
            url: options.notificationsUrl,
            timeout: "2s",
            threshold: 5,
            backoff: "200ms",
          },
        ],
      }
    : undefined;
  return {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "data") }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: "headwind-test-only" },
    ...(options.auth ? { auth: authConfig(options.auth, dir) } : {}),
    ...(notifications ? { notifications } : {}),
  };
}

async function waitUntilServing(origin: string, child: ChildProcess, logs: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${logs()}`);
    const answered = await fetch(`${origin}/v2/`).then(
      (response) => response.status,
      () => undefined,
    );
    if (answered === 200 || answered === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer GET /v2/ within 10 s:\n${logs()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    process.kill(child.pid as number, "SIGTERM");
  });
}

export async function startRegistry(options: RegistryServerOptions = {}): Promise<RegistryServer> {
  assertRegistryInstalled();
  const dir = await mkdtemp(join(tmpdir(), "headwind-registry-"));
  const port = await freePort();
  if (options.auth?.kind === "htpasswd")
    await writeFile(join(dir, "htpasswd"), `${htpasswdUser}:${htpasswdHash}\n`);
  const configPath = join(dir, "config.yml");
  await writeFile(configPath, stringify(buildConfig(dir, port, options)));
  const child = spawn(registryBinary, ["serve", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(origin, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, host: `127.0.0.1:${port}`, pid: child.pid ?? -1, logs: () => output, stop };
}
