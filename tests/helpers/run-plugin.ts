/** Runs kubectl-headwind from source, as a person would run it: their kubeconfig, exit code, stdout, stderr. */
import { execFile } from "node:child_process";

export interface PluginRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const main = new URL("../../src/plugin/main.ts", import.meta.url).pathname;

export function runPlugin(
  kubeconfig: string,
  args: readonly string[],
  command: readonly string[] = ["node", "--import", "tsx", main],
): Promise<PluginRun> {
  const [file = "node", ...rest] = command;
  return new Promise((resolve) => {
    execFile(
      file,
      [...rest, ...args],
      { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
