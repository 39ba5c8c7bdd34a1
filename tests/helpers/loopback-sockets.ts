/**
 * Refuses every outgoing TCP connection that is not to loopback, for tests that run cloud SDKs:
 * their own HTTP clients (the AWS SDK's, gaxios, Azure's pipeline) do not go through an injected
 * fetch, and a default they fall back to (IMDS at 169.254.169.254, metadata.google.internal,
 * login.microsoftonline.com) must fail on the spot, never send a packet. Every refusal is recorded,
 * so a test can also assert that nothing even tried.
 */
import { Socket } from "node:net";

const loopbackHosts = new Set(["127.0.0.1", "::1", "localhost"]);

type ConnectArgs = Parameters<Socket["connect"]>;

/** The host a `socket.connect(...)` call aims at, or undefined for a Unix socket path. */
function targetOf(args: readonly unknown[]): string | undefined {
  const [first, second] = args;
  if (Array.isArray(first)) return targetOf(first);
  if (typeof first === "object" && first !== null) {
    const options = first as { host?: string; path?: string | null };
    return typeof options.path === "string" ? undefined : (options.host ?? "localhost");
  }
  if (typeof first === "string" && Number.isNaN(Number(first))) return undefined;
  return typeof second === "string" ? second : "localhost";
}

export interface SocketGuard {
  /** `host` of every refused connection, in order. */
  readonly refused: string[];
  restore(): void;
}

export function refuseNonLoopbackSockets(): SocketGuard {
  const original = Socket.prototype.connect;
  const refused: string[] = [];
  Socket.prototype.connect = function guardedConnect(this: Socket, ...args: ConnectArgs) {
    const host = targetOf(args);
    if (host === undefined || loopbackHosts.has(host)) return original.apply(this, args);
    refused.push(host);
    setImmediate(() => this.destroy(new Error(`test refuses a connection to non-loopback ${host}`)));
    return this;
  } as Socket["connect"];
  return {
    refused,
    restore: () => {
      Socket.prototype.connect = original;
    },
  };
}
