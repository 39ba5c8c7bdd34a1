// Headwind's composition roots run as real processes, the way `npm start` and `npm run
// start:sidecar` run them (node --import tsx), with only the environment a test gives them.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface HeadwindProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  logs(): string;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `src/hooks-server/main.ts` or `src/sidecar/main.ts` with PATH and `env` only; `preloads`
 * are modules imported first (see writeLoopbackPreload).
 */
export function startHeadwindProcess(
  entry: "src/hooks-server/main.ts" | "src/sidecar/main.ts",
  env: Record<string, string>,
  preloads: readonly string[] = [],
): HeadwindProcess {
  const imports = ["tsx", ...preloads.map((file) => pathToFileURL(file).href)].flatMap((m) => [
    "--import",
    m,
  ]);
  const child = spawn(process.execPath, [...imports, entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, logs: () => output, exited };
}

/**
 * Other cluster-tier files leave annotated workloads naming registries such as registry.test:5000;
 * a sidecar process would poll them. This preload makes its fetch refuse anything but 127.0.0.1
 * (no DNS lookup, no packet), so a test stays on loopback. Written into `dir`; returns its path.
 */
export async function writeLoopbackPreload(dir: string): Promise<string> {
  const file = join(dir, "loopback-only.mjs");
  await writeFile(
    file,
    `const inner = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.hostname !== "127.0.0.1") throw new TypeError("test sidecar refuses non-loopback " + url.origin);
  return inner(input, init);
};
`,
  );
  return file;
}
