import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../src/core/config/config-error.ts";
import { readHooksConfig } from "../../../../src/hooks-server/config/read-hooks-config.ts";

describe("readHooksConfig", () => {
  it("has working defaults", () => {
    expect(readHooksConfig({ HOSTNAME: "hooks-1" })).toMatchObject({
      port: 8000,
      metricsPort: 9090,
      apiPort: 8081,
      logLevel: "info",
      settings: { namespace: "headwind", approvalTtlSeconds: 86_400, historyLimit: 10 },
      notify: {},
      maxBodyBytes: 16 * 1024 * 1024,
      otlpEndpoint: undefined,
      instance: "hooks-1",
    });
  });

  it("API_PORT moves the approval API, 0 turns it off, anything else is refused", () => {
    expect(readHooksConfig({ API_PORT: "9443" }).apiPort).toBe(9443);
    expect(readHooksConfig({ API_PORT: "0" }).apiPort).toBe(0);
    expect(() => readHooksConfig({ API_PORT: "70000" })).toThrow(
      'API_PORT must be a whole number from 0 to 65535, got "70000"',
    );
  });

  it("HEADWIND_UPDATE_WINDOW sets the cluster-wide update windows; a bad one is refused at start-up", () => {
    expect(readHooksConfig({}).settings.updateWindows).toEqual([]);
    const windows = readHooksConfig({
      HEADWIND_UPDATE_WINDOW: "Mon-Fri 02:00-04:00 Europe/Berlin; Sat 10:00-12:00",
    }).settings.updateWindows;
    expect(windows?.map((w) => w.text)).toEqual(["Mon-Fri 02:00-04:00 Europe/Berlin", "Sat 10:00-12:00"]);
    expect(() => readHooksConfig({ HEADWIND_UPDATE_WINDOW: "nightly" })).toThrow(
      'HEADWIND_UPDATE_WINDOW: "nightly" has no time range such as 02:00-04:00',
    );
  });

  it("fails once, listing every problem", () => {
    const read = () =>
      readHooksConfig({
        PORT: "http",
        LOG_LEVEL: "loud",
        HEADWIND_NAMESPACE: "Not_A_Namespace",
        HEADWIND_HISTORY_LIMIT: "0",
      });
    expect(read).toThrow(ConfigError);
    expect(() => read()).toThrow(
      [
        "invalid configuration:",
        "- LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
        "- HEADWIND_NAMESPACE is not a namespace name",
        '- PORT must be a whole number from 1 to 65535, got "http"',
        '- HEADWIND_HISTORY_LIMIT must be a whole number from 1 to 100, got "0"',
      ].join("\n"),
    );
  });
});
