import { describe, expect, it } from "vitest";
import { readCappedBody, readCappedJson } from "../../../../src/sidecar/registry/read-capped-body.ts";

const context = { registry: "reg", what: "tag list", maxBytes: 10 };

/** A body that would never end: the reader must stop pulling once past the cap. */
function endless() {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(new Uint8Array(4));
    },
  });
  return { response: new Response(stream), pulled: () => pulled };
}

describe("readCappedBody", () => {
  it("reads a body within the cap", async () => {
    const read = await readCappedBody(new Response("0123456789"), context);
    expect(read.ok && new TextDecoder().decode(read.value)).toBe("0123456789");
  });

  it("refuses a declared length over the cap before reading", async () => {
    const response = new Response("x", { headers: { "content-length": "11" } });
    expect(await readCappedBody(response, context)).toEqual({
      ok: false,
      error: {
        kind: "protocol",
        registry: "reg",
        message: "protocol: reg sent a tag list larger than 10 bytes; not read",
      },
    });
  });

  it("cancels an endless stream just past the cap", async () => {
    const { response, pulled } = endless();
    expect((await readCappedBody(response, context)).ok).toBe(false);
    expect(pulled()).toBeLessThanOrEqual(4);
  });

  it("reports a body that breaks off", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(new Error("socket hang up"));
      },
    });
    expect(await readCappedBody(new Response(stream), context)).toMatchObject({
      ok: false,
      error: {
        kind: "unavailable",
        message: "unavailable: reg stopped sending its tag list (socket hang up)",
      },
    });
  });

  it("reads an empty body", async () => {
    const read = await readCappedBody(new Response(null), context);
    expect(read.ok && read.value.byteLength).toBe(0);
  });
});

describe("readCappedJson", () => {
  it("parses JSON and answers undefined for anything else", async () => {
    expect(await readCappedJson(new Response('{"a":1}'), context)).toEqual({ ok: true, value: { a: 1 } });
    expect(await readCappedJson(new Response("{nope"), context)).toEqual({ ok: true, value: undefined });
  });
});
