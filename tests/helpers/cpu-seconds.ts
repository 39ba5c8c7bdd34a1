/** CPU time a process has used so far (user + system, from /proc), for cost per operation. */
import { readFile } from "node:fs/promises";

const ticksPerSecond = 100;

export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

export async function pidFrom(file: string | undefined): Promise<number | undefined> {
  return file ? Number(await readFile(file, "utf8")) : undefined;
}
