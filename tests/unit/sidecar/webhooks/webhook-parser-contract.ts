/**
 * The contract every vendor parser meets (style rule 14), as an exported suite run once per vendor:
 * a valid push yields at least one event with a repository; a non-push yields none; garbage yields
 * an error. Vendors with no non-push payload say why instead of skipping.
 */
import { describe, expect, it } from "vitest";
import type { ParseOptions, WebhookParser } from "../../../../src/sidecar/webhooks/vendors/parse-result.ts";

export interface ParserSample {
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface ParserContractCase {
  readonly parse: WebhookParser;
  readonly options?: ParseOptions;
  readonly push: ParserSample;
  readonly nonPush: ParserSample | { readonly absentBecause: string };
  /** Headers garbage is sent with (e.g. GitHub's event header), so the body is what fails. */
  readonly garbageHeaders?: Record<string, string>;
}

const garbage: readonly [string, unknown][] = [
  ["null", null],
  ["a number", 42],
  ["a string", "push"],
  ["an empty object", {}],
  ["a list", [{ action: "push" }]],
];

export function describeParserContract(vendor: string, contract: ParserContractCase): void {
  const run = (sample: ParserSample) =>
    contract.parse(sample.body, new Headers(sample.headers), contract.options);

  describe(`${vendor} parser contract`, () => {
    it("turns a valid push into at least one event with a repository", () => {
      const result = run(contract.push);
      if (result.kind !== "events") throw new Error(result.message);
      expect(result.events.length).toBeGreaterThan(0);
      for (const event of result.events) {
        expect(event.repository).not.toBe("");
        expect(event.registry).not.toBe("");
        expect(event.vendor).toBe(vendor);
      }
    });

    if ("absentBecause" in contract.nonPush) {
      it(`has no non-push payload: ${contract.nonPush.absentBecause}`, () => {
        expect(contract.nonPush).toHaveProperty("absentBecause");
      });
    } else {
      const nonPush = contract.nonPush;
      it("turns a non-push into no events, with a reason", () => {
        const result = run(nonPush);
        if (result.kind !== "events") throw new Error(result.message);
        expect(result.events).toEqual([]);
        expect(result.ignored.length).toBeGreaterThan(0);
      });
    }

    it.each(garbage)("answers %s with an error", (_name, body) => {
      const result = run({ body, headers: contract.garbageHeaders });
      expect(result.kind).toBe("error");
      expect(result.kind === "error" && result.message.length).toBeGreaterThan(0);
    });
  });
}
