import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { configForToken } from "../../../src/kube/config-for-token.ts";

describe("configForToken", () => {
  it("keeps the server and CA, and authenticates with the token alone", async () => {
    const base = new KubeConfig();
    base.loadFromOptions({
      clusters: [{ name: "c", server: "https://127.0.0.1:6443", caData: "Q0E=" }],
      users: [{ name: "admin", token: "admin-token" }],
      contexts: [{ name: "x", cluster: "c", user: "admin" }],
      currentContext: "x",
    });
    const person = configForToken(base, "alice-token");
    expect(person.getCurrentCluster()).toMatchObject({ server: "https://127.0.0.1:6443", caData: "Q0E=" });
    const options: { headers?: Record<string, string> } = {};
    await person.applyToHTTPSOptions(options);
    expect(options.headers?.Authorization).toBe("Bearer alice-token");
  });
});
