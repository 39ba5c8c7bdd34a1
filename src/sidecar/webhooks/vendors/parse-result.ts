/**
 * What every vendor parser returns. Expected failures are values (style rule 7): a parser never
 * throws on input it does not like.
 */
import type { HeadersLike } from "./headers-like.ts";
import type { ImageEvent } from "./image-event.ts";

export type ParseResult =
  | {
      readonly kind: "events";
      readonly events: readonly ImageEvent[];
      /** One short reason per item left out (non-push action, untagged manifest, …). */
      readonly ignored: readonly string[];
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
): ParseResult {
  return deliveryId === undefined || deliveryId === ""
    ? { kind: "events", events, ignored }
    : { kind: "events", events, ignored, deliveryId };
}

export function invalid(message: string): ParseResult {
  return { kind: "error", message };
}

/** Sorts a list of `createImageEvent` outcomes into events and reasons. */
export function collect(outcomes: readonly (ImageEvent | string)[], deliveryId?: string): ParseResult {
  const events = outcomes.filter((o): o is ImageEvent => typeof o !== "string");
  const ignored = outcomes.filter((o): o is string => typeof o === "string");
  return parsed(events, ignored, deliveryId);
}
