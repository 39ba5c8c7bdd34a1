import { describe, expect, it } from "vitest";
import { readDockerConfig } from "../../../../src/sidecar/runtime/read-docker-config.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const auths = { auths: { "reg.example.com": { auth: b64("robot:pw") } } };
const secret = (data: Record<string, string> | undefined) => ({
  metadata: { name: "s" },
  ...(data ? { data } : {}),
});

interface Row {
  name: string;
  data: Record<string, string> | undefined;
  expected: unknown;
}

describe("readDockerConfig", () => {
  it.each<Row>([
    {
      name: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": b64(JSON.stringify(auths)) },
      expected: auths,
    },
    {
      name: "legacy kubernetes.io/dockercfg (the auths map itself)",
      data: { ".dockercfg": b64(JSON.stringify(auths.auths)) },
      expected: auths,
    },
    { name: "no data", data: undefined, expected: undefined },
    { name: "an opaque Secret", data: { password: b64("pw") }, expected: undefined },
    { name: "not JSON", data: { ".dockerconfigjson": b64("{nope") }, expected: undefined },
    { name: "JSON but not an object", data: { ".dockerconfigjson": b64('"text"') }, expected: undefined },
  ])("$name", ({ data, expected }) => {
    expect(readDockerConfig(secret(data))).toEqual(expected);
  });
});
