// The one watch helper against a real apiserver: LIST then WATCH sees creates, updates and
// deletes in order; abort ends it at once; an unknown token gets the apiserver's 401. And the
// connection under every call keeps its TLS connection open between requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import { createKubeWatch, type WatchEvent } from "../../src/kube/create-kube-watch.ts";
import { KubeApiError } from "../../src/kube/kube-api-error.ts";
import { createKubeConnection } from "../../src/kube/kube-connection.ts";
import { listAndWatch } from "../../src/kube/list-and-watch.ts";
import { listAll, pageOf, pageQuery } from "../../src/kube/list-pages.ts";
import { adminConfig, configForToken, createTestNamespace, waitFor } from "../helpers/cluster.ts";

interface ConfigMap {
  metadata: { name: string; resourceVersion?: string };
  data?: Record<string, string>;
}

const admin = adminConfig();
const transport = createKubeTransport(admin);
let ns: string;
let path: string;

beforeAll(async () => {
  ns = await createTestNamespace(admin, "hw-watch");
  path = `/api/v1/namespaces/${ns}/configmaps`;
  await transport({ method: "POST", path, body: { metadata: { name: "before" }, data: { v: "0" } } });
});

const controllers: AbortController[] = [];
afterAll(() => {
  for (const controller of controllers) controller.abort();
});

describe("listAndWatch on a real apiserver", () => {
  it("lists what exists, then sees ADDED, MODIFIED and DELETED in order; abort ends it", async () => {
    const controller = new AbortController();
    controllers.push(controller);
    const listed: string[][] = [];
    const events: string[] = [];
    const running = listAndWatch<ConfigMap>({
      list: () =>
        listAll(
          (page) =>
            transport({ method: "GET", path: `${path}?${pageQuery(page)}` }).then((b) =>
              pageOf<ConfigMap>(b),
            ),
          1,
        ),
      watch: createKubeWatch(admin),
      path,
      onList: (items) => listed.push(items.map((item) => item.metadata.name)),
      onEvent: (event: WatchEvent<ConfigMap>) => events.push(`${event.type} ${event.object.metadata.name}`),
      signal: controller.signal,
    });
    await waitFor("the first LIST", async () => listed.length > 0, { timeoutMs: 10_000 });
    expect(listed[0]).toEqual(["before"]);
    await transport({ method: "POST", path, body: { metadata: { name: "during" }, data: { v: "1" } } });
    await transport({
      method: "PUT",
      path: `${path}/during`,
      body: { metadata: { name: "during" }, data: { v: "2" } },
    });
    await transport({ method: "DELETE", path: `${path}/during` });
    await waitFor("three events", async () => events.length >= 3, { timeoutMs: 10_000 });
    expect(events).toEqual(["ADDED during", "MODIFIED during", "DELETED during"]);
    const stopped = performance.now();
    controller.abort();
    await running;
    expect(performance.now() - stopped).toBeLessThan(2000);
  });

  it("answers an unknown token with the apiserver's 401, as a KubeApiError", async () => {
    const nobody = configForToken(admin, "no-such-token-for-watch");
    const denied = await createKubeWatch(nobody)({ path, resourceVersion: "0" }, () => {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(denied).toBeInstanceOf(KubeApiError);
    expect((denied as KubeApiError).status).toBe(401);
  });
});

describe("kube connection", () => {
  it("reuses one TLS connection for request after request (client-node's own agents would not)", async () => {
    const connection = createKubeConnection(admin);
    const reused: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const request = await connection.open("GET", `${path}?limit=1`, { accept: "application/json" }, 10_000);
      await new Promise<void>((resolve, reject) => {
        request.on("response", (response) => {
          response.resume();
          response.on("end", () => resolve());
        });
        request.on("error", reject);
        request.end();
      });
      reused.push(request.reusedSocket);
    }
    expect(reused).toEqual([false, true, true, true, true]);
  });
});
