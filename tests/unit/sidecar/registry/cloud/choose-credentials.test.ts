import { describe, expect, it } from "vitest";
import { chooseCredentials } from "../../../../../src/sidecar/registry/cloud/choose-credentials.ts";
import type { CloudCredentials } from "../../../../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { registryError } from "../../../../../src/sidecar/registry/registry-result.ts";

const ecrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const secret = (host: string) => ({ auths: { [host]: { username: "robot", password: "from-secret" } } });

function recordingCloud(answer: Awaited<ReturnType<CloudCredentials>>) {
  const asked: string[] = [];
  const cloud: CloudCredentials = async (registry) => {
    asked.push(registry);
    return answer;
  };
  return { cloud, asked };
}

describe("chooseCredentials", () => {
  const fromCloud = { ok: true as const, value: { username: "AWS", password: "ecr", sameHostOnly: true } };

  it("lets a matching pull secret win without asking the cloud", async () => {
    const { cloud, asked } = recordingCloud(fromCloud);
    expect(await chooseCredentials([secret(ecrHost)], ecrHost, cloud)).toEqual({
      ok: true,
      value: { username: "robot", password: "from-secret" },
    });
    expect(asked).toEqual([]);
  });

  it("asks the cloud when no pull secret names the host", async () => {
    const { cloud, asked } = recordingCloud(fromCloud);
    expect(await chooseCredentials([secret("ghcr.io")], ecrHost, cloud)).toEqual(fromCloud);
    expect(asked).toEqual([ecrHost]);
  });

  it("goes anonymous for a host no cloud serves, and without cloud credentials", async () => {
    const { cloud } = recordingCloud(undefined);
    expect(await chooseCredentials([], "ghcr.io", cloud)).toEqual({ ok: true, value: undefined });
    expect(await chooseCredentials([], ecrHost, undefined)).toEqual({ ok: true, value: undefined });
  });

  it("passes a cloud failure on", async () => {
    const failure = {
      ok: false as const,
      error: registryError("unauthorized", ecrHost, "aws credentials: denied"),
    };
    const { cloud } = recordingCloud(failure);
    expect(await chooseCredentials([], ecrHost, cloud)).toEqual(failure);
  });
});
