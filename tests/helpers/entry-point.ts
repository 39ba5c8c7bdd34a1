/**
 * One of Headwind's production entry points (src/hooks-server/main.ts, src/sidecar/main.ts) as a
 * child process, exactly as a container would run it, on a loopback port: for the demo, the scale
 * benchmark, and the fault tests that SIGKILL it mid-flow and start it again.
 */
import { spawn } from "node:child_process";
import { waitFor } from "./cluster.ts";
import { type Stoppable, stoppable } from "./stoppable.ts";

const root = new URL("../../", import.meta.url).pathname;

export interface EntryPoint extends Stoppable {
  readonly pid: number;
  readonly origin: string;
}

/** Starts `entry` (relative to the repository) and waits until it answers /readyz on `port`. */
export async function startEntryPoint(
  entry: string,
  port: number,
  env: Record<string, string>,
  options: { output?: "inherit" | "ignore"; preloads?: readonly string[]; loopbackOnly?: boolean } = {},
): Promise<EntryPoint> {
  // Modules imported before the entry point, as `node --import` does (e.g. a fetch wrapper).
  const loopback = options.loopbackOnly ? [`${root}tests/helpers/loopback-only-fetch.ts`] : [];
  const imports = ["tsx", ...loopback, ...(options.preloads ?? [])].flatMap((module) => ["--import", module]);
  const child = spawn(process.execPath, [...imports, `${root}${entry}`], {
    cwd: root,
    // Ports a test does not ask for stay closed: a fixed default could be taken by another process.
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: "0",
      DASHBOARD_PORT: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", options.output ?? "inherit", options.output ?? "inherit"],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `${entry} to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
        return (await fetch(`${origin}/readyz`).catch(() => undefined))?.ok;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    pid: child.pid ?? 0,
    origin,
    ...stoppable(child),
  };
}
