import { describe, expect, it } from "vitest";
import type { KubeWatch, WatchEvent, WatchRequest } from "../../../src/kube/create-kube-watch.ts";
import { KubeApiError } from "../../../src/kube/kube-api-error.ts";
import { listAndWatch } from "../../../src/kube/list-and-watch.ts";

interface Obj {
  metadata: { name: string; resourceVersion: string };
}
const obj = (name: string, resourceVersion: string): Obj => ({ metadata: { name, resourceVersion } });

/** Scripted watch streams: each call takes the next script (events, then how it ends). */
function scriptedWatch(
  scripts: Array<{ events: WatchEvent<Obj>[]; end?: Error }>,
  requests: WatchRequest[],
): KubeWatch {
  return (async (request: WatchRequest, onEvent: (event: WatchEvent<Obj>) => void) => {
    requests.push(request);
    const script = scripts.shift();
    if (!script) throw new Error("no more scripts");
    for (const event of script.events) onEvent(event);
    if (script.end) throw script.end;
  }) as KubeWatch;
}

describe("listAndWatch", () => {
  it("lists, watches from the list's version, follows event versions, and relists on 410", async () => {
    const controller = new AbortController();
    const lists: string[][] = [];
    const events: string[] = [];
    const requests: WatchRequest[] = [];
    let listCount = 0;
    const watch = scriptedWatch(
      [
        {
          events: [
            { type: "ADDED", object: obj("b", "11") },
            { type: "BOOKMARK", object: obj("", "12") },
          ],
        },
        { events: [{ type: "DELETED", object: obj("a", "13") }], end: new KubeApiError(410, "gone") },
        { events: [], end: new Error("stop") },
      ],
      requests,
    );
    await listAndWatch<Obj>({
      list: async () => {
        listCount++;
        return { items: [obj("a", "9")], resourceVersion: listCount === 1 ? "10" : "20" };
      },
      watch,
      path: "/api/v1/configmaps",
      onList: (items) => lists.push(items.map((i) => i.metadata.name)),
      onEvent: (event) => events.push(`${event.type} ${event.object.metadata.name}`),
      onError: () => controller.abort(),
      signal: controller.signal,
      sleep: async () => {},
    });
    expect(requests.map((r) => r.resourceVersion)).toEqual(["10", "12", "20"]);
    expect(events).toEqual(["ADDED b", "DELETED a"]);
    expect(lists).toEqual([["a"], ["a"]]);
  });

  it("backs off exponentially on errors, up to the cap", async () => {
    const controller = new AbortController();
    const sleeps: number[] = [];
    await listAndWatch<Obj>({
      list: async () => {
        if (sleeps.length >= 6) controller.abort();
        throw new Error("apiserver down");
      },
      watch: scriptedWatch([], []),
      path: "/x",
      onList: () => {},
      onEvent: () => {},
      signal: controller.signal,
      maxBackoffMs: 4000,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });

  it("relists when the resync period has passed", async () => {
    const controller = new AbortController();
    let clock = 0;
    let lists = 0;
    await listAndWatch<Obj>({
      list: async () => {
        lists++;
        if (lists === 3) controller.abort();
        return { items: [], resourceVersion: "1" };
      },
      watch: (async () => {
        clock += 1000;
      }) as KubeWatch,
      path: "/x",
      onList: () => {},
      onEvent: () => {},
      signal: controller.signal,
      resyncMs: 2500,
      clock: () => clock,
    });
    expect(lists).toBe(3);
    expect(clock).toBe(6000);
  });
});
