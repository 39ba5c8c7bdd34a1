/** The config is wrong: one error listing every problem, so the operator fixes them in one go. */
export class WebhookConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid webhook config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "WebhookConfigError";
    this.problems = problems;
  }
}
