import { describe, expect, it } from "vitest";
import { readCappedJson } from "../../../../src/sidecar/registry/read-capped-json.ts";

function streamed(chunks: string[], headers: Record<string, string> = {}) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[pulled++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
  return { response: new Response(body, { headers }), pulled: () => pulled };
}

describe("readCappedJson", () => {
  it("reads JSON within the cap", async () => {
    expect(await readCappedJson(streamed(['{"a":', "1}"]).response, 100)).toEqual({ a: 1 });
  });

  it("stops reading as soon as the body passes the cap", async () => {
    const endless = streamed(Array.from({ length: 1000 }, () => "x".repeat(1024)));
    expect(await readCappedJson(endless.response, 4096)).toBeUndefined();
    expect(endless.pulled()).toBeLessThan(10);
  });

  it("refuses a declared length over the cap without reading", async () => {
    const big = streamed(["{}"], { "content-length": "999999" });
    expect(await readCappedJson(big.response, 100)).toBeUndefined();
    expect(big.pulled()).toBeLessThanOrEqual(1);
  });

  it("answers undefined for a body that is not JSON", async () => {
    expect(await readCappedJson(new Response("<html>"), 100)).toBeUndefined();
  });
});
