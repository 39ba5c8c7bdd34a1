import { describe, expect, it } from "vitest";
import { createHintQueue, type Hint } from "../../../../src/sidecar/runtime/create-hint-queue.ts";

/** A queue whose checks finish only when the test says so. */
function setup(options: { concurrency?: number; maxRepositories?: number; maxTags?: number } = {}) {
  const started: Hint[] = [];
  const finish = new Map<string, (() => void)[]>();
  const errors: string[] = [];
  let active = 0;
  let peak = 0;
  const queue = createHintQueue({
    concurrency: options.concurrency ?? 2,
    maxRepositories: options.maxRepositories ?? 100,
    maxTags: options.maxTags ?? 3,
    run: (hint) => {
      started.push({ ...hint, tags: new Set(hint.tags) });
      active += 1;
      peak = Math.max(peak, active);
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          active -= 1;
          if (hint.repository.startsWith("fail")) reject(new Error(`${hint.repository} broke`));
          else resolve();
        };
        finish.set(hint.repository, [...(finish.get(hint.repository) ?? []), done]);
      });
    },
    onError: (hint, error) => errors.push(`${hint.repository}: ${(error as Error).message}`),
  });
  const complete = async (repository: string) => {
    finish.get(repository)?.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const describeStarted = () =>
    started.map((h) => `${h.repository} [${[...h.tags].join(",")}]${h.relist ? " relist" : ""}`);
  return { queue, started, complete, errors, describeStarted, peak: () => peak };
}

describe("createHintQueue", () => {
  it("runs at most `concurrency` checks at once, oldest first", async () => {
    const { queue, complete, describeStarted, peak } = setup({ concurrency: 2 });
    for (const r of ["a", "b", "c", "d"]) expect(queue.add(r, ["1"], false)).toBe("queued");
    expect(describeStarted()).toEqual(["a [1]", "b [1]"]);
    expect(queue.pending()).toBe(2);
    await complete("a");
    expect(describeStarted()).toEqual(["a [1]", "b [1]", "c [1]"]);
    await complete("b");
    await complete("c");
    await complete("d");
    await queue.idle();
    expect(peak()).toBe(2);
  });

  it("joins hints for a waiting repository into one check", async () => {
    const { queue, complete, describeStarted } = setup({ concurrency: 1 });
    queue.add("busy", ["x"], false);
    expect(queue.add("r", ["1"], false)).toBe("queued");
    expect(queue.add("r", ["2", "1"], false)).toBe("joined");
    expect(queue.add("r", [], true)).toBe("joined");
    await complete("busy");
    expect(describeStarted()).toEqual(["busy [x]", "r [1,2] relist"]);
    await complete("r");
    await queue.idle();
  });

  it("turns more than maxTags hinted tags into one re-list holding no tags: 100,000 hints, one check", async () => {
    const { queue, complete, describeStarted } = setup({ concurrency: 1, maxTags: 3 });
    queue.add("busy", [], true);
    for (let i = 0; i < 100_000; i++) queue.add("r", [`1.0.${i}`], false);
    await complete("busy");
    expect(describeStarted()).toEqual(["busy [] relist", "r [] relist"]);
    await complete("r");
    await queue.idle();
  });

  it("never checks one repository twice at once: a hint during a check waits for the next", async () => {
    const { queue, complete, describeStarted } = setup({ concurrency: 4 });
    queue.add("r", ["1"], false);
    expect(queue.add("r", ["2"], false)).toBe("queued");
    queue.add("s", ["1"], false);
    expect(describeStarted()).toEqual(["r [1]", "s [1]"]);
    await complete("r");
    expect(describeStarted()).toEqual(["r [1]", "s [1]", "r [2]"]);
    await complete("r");
    await complete("s");
    await queue.idle();
  });

  it("drops hints for new repositories once maxRepositories wait", async () => {
    const { queue } = setup({ concurrency: 1, maxRepositories: 2 });
    queue.add("running", ["1"], false);
    expect(queue.add("a", ["1"], false)).toBe("queued");
    expect(queue.add("b", ["1"], false)).toBe("queued");
    expect(queue.add("c", ["1"], false)).toBe("full");
    expect(queue.add("a", ["2"], false)).toBe("joined");
  });

  it("reports a failed check and goes on", async () => {
    const { queue, complete, errors } = setup({ concurrency: 1 });
    queue.add("fail-1", ["1"], false);
    queue.add("ok", ["1"], false);
    await complete("fail-1");
    await complete("ok");
    await queue.idle();
    expect(errors).toEqual(["fail-1: fail-1 broke"]);
  });

  it("is idle at once when empty", async () => {
    await setup().queue.idle();
  });
});
