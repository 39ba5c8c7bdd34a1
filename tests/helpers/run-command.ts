// Runs the real command-line tools the tests drive (kubectl, helm, promtool, buildah) and hands back
// what they printed, so a failure shows the tool's own message.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin, then closed. */
  readonly input?: string;
  readonly cwd?: string;
  /** The whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to its end, never throwing for a non-zero exit (only when it cannot start). */
export function runCommand(bin: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"], cwd: options.cwd, env: options.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a command and throws with its stderr unless it exits 0. */
export async function runOk(bin: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const run = await runCommand(bin, args, options);
  if (run.code !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return run;
}

export const kubectlBin = process.env.KUBECTL ?? "/usr/bin/kubectl";

const goTools = fileURLToPath(new URL("../../scripts/go-tools.sh", import.meta.url));

/**
 * The path of a Go tool built from the module proxy: from the environment when scripts/test.sh
 * already built it (HELM, PROMTOOL), else built (or found in the cache) now.
 */
export async function goTool(name: "helm" | "promtool"): Promise<string> {
  const fromEnv = process.env[name.toUpperCase()];
  if (fromEnv) return fromEnv;
  return (await runOk("bash", [goTools, name])).stdout.trim();
}
