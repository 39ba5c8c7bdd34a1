import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../src/core/config/config-error.ts";
import { readHooksConfig } from "../../../../src/hooks-server/config/read-hooks-config.ts";

const token = "0123456789abcdef0123456789abcdef";
const withToken = (env: Record<string, string>) => ({ HEADWIND_HOOK_TOKEN: token, ...env });

describe("readHooksConfig", () => {
  it("has working defaults", () => {
    expect(readHooksConfig(withToken({ HOSTNAME: "hooks-1" }))).toMatchObject({
      port: 8000,
      metricsPort: 9090,
      apiPort: 8081,
      logLevel: "info",
      hookAuth: { mode: "bearer", tokens: [token] },
      settings: {
        namespace: "headwind",
        approvalTtlSeconds: 86_400,
        historyLimit: 10,
        effectBudgetMs: 15_000,
      },
      notify: {},
      maxBodyBytes: 16 * 1024 * 1024,
      otlpEndpoint: undefined,
      instance: "hooks-1",
    });
  });

  it("API_PORT moves the approval API, 0 turns it off, anything else is refused", () => {
    expect(readHooksConfig(withToken({ API_PORT: "9443" })).apiPort).toBe(9443);
    expect(readHooksConfig(withToken({ API_PORT: "0" })).apiPort).toBe(0);
    expect(() => readHooksConfig(withToken({ API_PORT: "70000" }))).toThrow(
      'API_PORT must be a whole number from 0 to 65535, got "70000"',
    );
  });

  it("HEADWIND_UPDATE_WINDOW sets the cluster-wide update windows; a bad one is refused at start-up", () => {
    expect(readHooksConfig(withToken({})).settings.updateWindows).toEqual([]);
    const windows = readHooksConfig(
      withToken({ HEADWIND_UPDATE_WINDOW: "Mon-Fri 02:00-04:00 Europe/Berlin; Sat 10:00-12:00" }),
    ).settings.updateWindows;
    expect(windows?.map((w) => w.text)).toEqual(["Mon-Fri 02:00-04:00 Europe/Berlin", "Sat 10:00-12:00"]);
    expect(() => readHooksConfig(withToken({ HEADWIND_UPDATE_WINDOW: "nightly" }))).toThrow(
      'HEADWIND_UPDATE_WINDOW: "nightly" has no time range such as 02:00-04:00',
    );
  });

  it("HEADWIND_ARGOCD_TRACKING names Argo CD's tracking method (annotation by default)", () => {
    expect(readHooksConfig(withToken({})).settings.argoTracking).toBe("annotation");
    expect(readHooksConfig(withToken({ HEADWIND_ARGOCD_TRACKING: "label" })).settings.argoTracking).toBe(
      "label",
    );
    expect(() => readHooksConfig(withToken({ HEADWIND_ARGOCD_TRACKING: "labels" }))).toThrow(
      "HEADWIND_ARGOCD_TRACKING must be one of annotation, label, annotation+label",
    );
  });

  it("fails once, listing every problem", () => {
    const read = () =>
      readHooksConfig(
        withToken({
          PORT: "http",
          LOG_LEVEL: "loud",
          HEADWIND_NAMESPACE: "Not_A_Namespace",
          HEADWIND_HISTORY_LIMIT: "0",
          HEADWIND_EFFECT_BUDGET_SECONDS: "29",
        }),
      );
    expect(read).toThrow(ConfigError);
    expect(() => read()).toThrow(
      [
        "invalid configuration:",
        "- LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
        "- HEADWIND_NAMESPACE is not a namespace name",
        '- PORT must be a whole number from 1 to 65535, got "http"',
        '- HEADWIND_HISTORY_LIMIT must be a whole number from 1 to 100, got "0"',
        '- HEADWIND_EFFECT_BUDGET_SECONDS must be a whole number from 1 to 25, got "29"',
      ].join("\n"),
    );
  });

  it("refuses to start without a hook credential unless told it runs without one", () => {
    expect(() => readHooksConfig({})).toThrow(
      "HEADWIND_HOOK_TOKEN is not set: create the hook credential Secret (see the README), " +
        "or set HEADWIND_HOOK_AUTH=disabled to accept unauthenticated hook calls",
    );
    expect(readHooksConfig({ HEADWIND_HOOK_AUTH: "disabled" }).hookAuth).toEqual({ mode: "disabled" });
  });
});

describe("dashboard settings", () => {
  it("serve :8082 with secure cookies and no trusted proxy by default", () => {
    const config = readHooksConfig({ HEADWIND_HOOK_AUTH: "disabled" });
    expect(config.dashboardPort).toBe(8082);
    expect(config.dashboard).toEqual({
      secureCookies: true,
      trustedProxies: [],
      proxyTokenHeader: "x-forwarded-access-token",
      sessionSeconds: 28_800,
    });
  });

  it("refuse a trusted proxy that is not an address or range", () => {
    expect(() =>
      readHooksConfig({
        HEADWIND_HOOK_AUTH: "disabled",
        DASHBOARD_TRUSTED_PROXIES: "10.0.0.0/8, proxy.local",
      }),
    ).toThrow('DASHBOARD_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR range');
    expect(
      readHooksConfig({ HEADWIND_HOOK_AUTH: "disabled", DASHBOARD_TRUSTED_PROXIES: "10.0.0.0/8,fd00::/8" })
        .dashboard.trustedProxies,
    ).toEqual(["10.0.0.0/8", "fd00::/8"]);
  });
});
