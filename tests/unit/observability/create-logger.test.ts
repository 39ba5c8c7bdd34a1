// The logger censors credentials wherever a careless log call could put them, and leaves every
// other field as it was.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { censor, createLogger } from "../../../src/observability/create-logger.ts";

function capture(level = "debug") {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("headwind-test", level, stream), lines };
}

const secrets = {
  bearer: "eyJhbGciOiJSUzI1NiJ9.payload.signature",
  password: "hunter2-registry-password",
  slack: "https://hooks.slack.test/services/T000/B000/XXXXXXXXXXXX",
  teams: "https://teams.test/webhookb2/abcdef",
  hmac: "whsec_0123456789abcdef0123456789abcdef",
  hookToken: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

describe("createLogger", () => {
  it("censors tokens, passwords, secrets, Authorization headers and webhook URLs at any of three levels", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: secrets.bearer,
        authorization: `Bearer ${secrets.bearer}`,
        req: {
          headers: { authorization: `Bearer ${secrets.bearer}`, "proxy-authorization": secrets.password },
        },
        registry: { auth: { password: secrets.password } },
        headers: { Authorization: `Basic ${secrets.password}`, cookie: `session=${secrets.bearer}` },
        source: { secret: secrets.hmac },
        env: {
          SLACK_WEBHOOK_URL: secrets.slack,
          TEAMS_WEBHOOK_URL: secrets.teams,
          WEBHOOK_URL: secrets.slack,
          WEBHOOK_SECRET: secrets.hmac,
          HEADWIND_HOOK_TOKEN: secrets.hookToken,
        },
        notify: {
          slack: { url: secrets.slack },
          teams: { url: secrets.teams },
          webhook: { url: secrets.slack },
        },
        webhookUrl: secrets.teams,
      },
      "everything at once",
    );
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    for (const [name, value] of Object.entries(secrets)) expect(line, name).not.toContain(value);
    const entry = JSON.parse(line);
    expect(entry.req.headers.authorization).toBe(censor);
    expect(entry.req.headers["proxy-authorization"]).toBe(censor);
    expect(entry.registry.auth.password).toBe(censor);
    expect(entry.notify.slack.url).toBe(censor);
    expect(entry.env.HEADWIND_HOOK_TOKEN).toBe(censor);
  });

  it("censors a child logger's bindings too", () => {
    const { logger, lines } = capture();
    logger.child({ token: secrets.bearer }).warn("from a child");
    expect(lines[0]).not.toContain(secrets.bearer);
    expect(JSON.parse(lines[0] ?? "{}").token).toBe(censor);
  });

  it("keeps everything else: service, level, message and ordinary fields", () => {
    const { logger, lines } = capture();
    logger.info({ route: "approve", user: "alice", url: "https://registry.test/v2/" }, "approved");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      service: "headwind-test",
      level: 30,
      msg: "approved",
      route: "approve",
      user: "alice",
      url: "https://registry.test/v2/",
    });
  });

  it("honours the level", () => {
    const { logger, lines } = capture("warn");
    logger.info("dropped");
    logger.warn("kept");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["kept"]);
  });
});
