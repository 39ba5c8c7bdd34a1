/**
 * What every vendor parser returns. Expected failures are values (style rule 7): a parser never
 * throws on input it does not like.
 */
import type { HeadersLike } from "./headers-like.ts";
import { type ImageEvent, type InvalidReference, isInvalidReference } from "./image-event.ts";

export type ParseResult =
  | {
      readonly kind: "events";
      readonly events: readonly ImageEvent[];
      /** One short reason per item left out because it is not a push (a pull, a delete, …). */
      readonly ignored: readonly string[];
      /** One short reason per item dropped for breaking the OCI grammar (counted as a metric). */
      readonly invalid: readonly string[];
      /** Entries past `maxEntriesPerDelivery`, left unread (counted with the hints over the limit). */
      readonly overLimit?: number;
      /** The vendor's delivery id, when it sends one, for replay detection. */
      readonly deliveryId?: string;
    }
  | { readonly kind: "error"; readonly message: string };

export interface ParseOptions {
  /** Registry host configured for the source; wins over the host found in the payload. */
  readonly registry?: string | undefined;
}

export type WebhookParser = (body: unknown, headers: HeadersLike, options?: ParseOptions) => ParseResult;

export function parsed(
  events: readonly ImageEvent[],
  ignored: readonly string[],
  deliveryId?: string,
  invalid: readonly string[] = [],
): ParseResult {
  return deliveryId === undefined || deliveryId === ""
    ? { kind: "events", events, ignored, invalid }
    : { kind: "events", events, ignored, invalid, deliveryId };
}

/**
 * Entries of one delivery a parser reads at most: more than the hints a delivery may give (see the
 * sidecar's per-delivery cap), few enough that a forged delivery of 100,000 tags is not turned
 * into 100,000 events before it can be answered.
 */
export const maxEntriesPerDelivery = 1000;

/** The entries a parser reads, and how many it leaves unread. */
export function firstEntries<T>(entries: readonly T[]): {
  readonly kept: readonly T[];
  readonly over: number;
} {
  return entries.length <= maxEntriesPerDelivery
    ? { kept: entries, over: 0 }
    : { kept: entries.slice(0, maxEntriesPerDelivery), over: entries.length - maxEntriesPerDelivery };
}

/** Adds the count of unread entries to an events result. */
export function withOverLimit(result: ParseResult, over: number): ParseResult {
  return result.kind === "events" && over > 0 ? { ...result, overLimit: over } : result;
}

export function invalid(message: string): ParseResult {
  return { kind: "error", message };
}

/** Sorts a list of outcomes (`createImageEvent`'s, or a parser's own reasons) into their kinds. */
export function collect(
  outcomes: readonly (ImageEvent | InvalidReference | string)[],
  deliveryId?: string,
): ParseResult {
  const events: ImageEvent[] = [];
  const ignored: string[] = [];
  const dropped: string[] = [];
  for (const outcome of outcomes) {
    if (typeof outcome === "string") ignored.push(outcome);
    else if (isInvalidReference(outcome)) dropped.push(outcome.invalid);
    else events.push(outcome);
  }
  return parsed(events, ignored, deliveryId, dropped);
}
