import { describe, expect, it } from "vitest";
import { loadWebhookSources } from "../../../../src/sidecar/runtime/load-webhook-sources.ts";

const files: Record<string, string> = {
  "/etc/headwind/ok.yaml": [
    "sources:",
    "  - name: registry",
    "    vendor: distribution",
    "    path: distribution",
    "    auth: { type: header-token, secretEnv: REGISTRY_TOKEN }",
  ].join("\n"),
  "/etc/headwind/bad.yaml": "sources:\n  - name: x\n    vendor: nope\n",
};
const readers = {
  env: { REGISTRY_TOKEN: "Bearer t0ken" },
  readFile: (path: string) => files[path] ?? "",
  exists: (path: string) => path in files,
};

describe("loadWebhookSources", () => {
  it("no path: no sources, fine", () => {
    expect(loadWebhookSources(undefined, readers)).toMatchObject({ ok: true, sources: [] });
  });

  it("a path with no file (the optional ConfigMap is not there): no sources, fine", () => {
    expect(loadWebhookSources("/etc/headwind/webhooks.yaml", readers)).toMatchObject({
      ok: true,
      sources: [],
    });
  });

  it("reads the sources and their secrets", () => {
    const loaded = loadWebhookSources("/etc/headwind/ok.yaml", readers);
    expect(loaded).toMatchObject({
      ok: true,
      sources: [
        {
          name: "registry",
          vendor: "distribution",
          path: "distribution",
          auth: { type: "header-token", secret: "Bearer t0ken" },
        },
      ],
    });
  });

  it("an invalid file is a problem (not ready), never a crash", () => {
    const loaded = loadWebhookSources("/etc/headwind/bad.yaml", readers);
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.problems).toEqual([
      expect.stringMatching(/^\/etc\/headwind\/bad\.yaml: sources\[0\]: vendor must be one of/),
    ]);
  });
});
