import { describe, expect, it } from "vitest";
import { readNotifyConfig } from "../../../../src/hooks-server/notify/notify-config.ts";

describe("readNotifyConfig", () => {
  it("turns a channel on when its URL is set", () => {
    const problems: string[] = [];
    const config = readNotifyConfig(
      {
        SLACK_WEBHOOK_URL: "https://hooks.slack.test/a",
        WEBHOOK_URL: "https://example.test/h",
        WEBHOOK_SECRET: "s",
        WEBHOOK_TIMEOUT: "5",
      },
      problems,
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      slack: { url: "https://hooks.slack.test/a", username: "Headwind", iconEmoji: ":sailboat:" },
      webhook: { url: "https://example.test/h", secret: "s", timeoutMs: 5000, maxRetries: 3 },
    });
  });

  it("keeps a channel off when *_ENABLED is false", () => {
    expect(readNotifyConfig({ TEAMS_ENABLED: "false", TEAMS_WEBHOOK_URL: "https://t.test/x" }, [])).toEqual(
      {},
    );
  });

  it("lists every problem", () => {
    const problems: string[] = [];
    readNotifyConfig(
      {
        SLACK_WEBHOOK_URL: "not a url",
        WEBHOOK_URL: "https://w.test",
        WEBHOOK_MAX_RETRIES: "-1",
        WEBHOOK_TIMEOUT: "ten",
      },
      problems,
    );
    expect(problems).toEqual([
      "SLACK_WEBHOOK_URL is not a URL",
      'WEBHOOK_TIMEOUT must be a whole number from 1 to 300, got "ten"',
      'WEBHOOK_MAX_RETRIES must be a whole number from 0 to 10, got "-1"',
    ]);
  });
});
