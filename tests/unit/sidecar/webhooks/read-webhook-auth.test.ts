import { describe, expect, it } from "vitest";
import { readSecret, readWebhookAuth } from "../../../../src/sidecar/webhooks/read-webhook-auth.ts";

const readers = {
  env: { TOKEN: "t0ken" },
  readFile: (path: string) => ({ "/crlf": "secret\r\n", "/two": "secret\n\n" })[path] ?? "",
};

describe("readSecret", () => {
  // columns: case | settings | secret
  it.each([
    ["from env", { secretEnv: "TOKEN" }, "t0ken"],
    ["from a file, CRLF dropped", { secretFile: "/crlf" }, "secret"],
    ["from a file, only one newline dropped", { secretFile: "/two" }, "secret\n"],
  ])("reads a secret %s", (_case, settings, secret) => {
    const problems: string[] = [];
    expect(readSecret(settings, "s", readers, problems)).toBe(secret);
    expect(problems).toEqual([]);
  });

  it("reads the path variant with another prefix", () => {
    expect(readSecret({ pathEnv: "TOKEN" }, "s", readers, [], "path")).toBe("t0ken");
  });

  it("refuses a non-string setting", () => {
    const problems: string[] = [];
    expect(readSecret({ secretEnv: 7 }, "s", readers, problems)).toBeUndefined();
    expect(problems).toEqual(["s: secretEnv/secretFile must be a string"]);
  });
});

describe("readWebhookAuth", () => {
  it.each([
    ["a list", []],
    ["an unknown type", { type: "oauth" }],
    ["no type", {}],
  ])("refuses %s", (_case, value) => {
    const problems: string[] = [];
    expect(readWebhookAuth(value, "acr", "s", readers, problems)).toBeUndefined();
    expect(problems).toHaveLength(1);
  });

  it("refuses a basic username with a colon", () => {
    const problems: string[] = [];
    readWebhookAuth({ type: "basic", username: "a:b", secretEnv: "TOKEN" }, "ecr", "s", readers, problems);
    expect(problems).toEqual(["s: auth.username must be a non-empty string without ':'"]);
  });
});
