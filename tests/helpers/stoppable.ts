/** Ends a child process this test run started, by its handle (never by name), and waits for it. */
import type { ChildProcess } from "node:child_process";

export interface Stoppable {
  /** SIGKILL: no shutdown hook runs, in-flight work is lost. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export function stoppable(child: ChildProcess): Stoppable {
  const signal = async (name: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(name);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited(child);
    clearTimeout(timer);
  };
  return { kill: () => signal("SIGKILL", 0), stop: () => signal("SIGTERM", 10_000) };
}
