import { describe, expect, it } from "vitest";
import { readCappedJson } from "../../../../../src/sidecar/registry/cloud/read-capped-json.ts";

describe("readCappedJson", () => {
  it("reads a small JSON body", async () => {
    expect(await readCappedJson(new Response('{"refresh_token":"r"}'), 64, "exchange")).toEqual({
      refresh_token: "r",
    });
  });

  it("stops reading past the cap instead of buffering an endless body", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    await expect(readCappedJson(new Response(endless), 4096, "exchange")).rejects.toThrow(
      "exchange sent more than 4096 bytes",
    );
    expect(pulled).toBeLessThan(10);
  });

  it("refuses what is not JSON", async () => {
    await expect(readCappedJson(new Response("<html>"), 64, "exchange")).rejects.toThrow(
      "exchange sent no JSON",
    );
  });
});
