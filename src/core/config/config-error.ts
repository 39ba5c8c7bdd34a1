/** Start-up configuration problems, all of them in one error. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n- ${problems.join("\n- ")}`);
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function readInteger(
  env: Env,
  key: string,
  fallback: number,
  problems: string[],
  min = 0,
  max = 2 ** 31,
): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push(`${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return fallback;
}
