/** Reads a captured-shape payload from tests/fixtures/webhooks/<vendor>/<name>.json; a fresh copy each call. */
import { readFileSync } from "node:fs";

export function rawWebhookFixture(vendor: string, name: string): string {
  return readFileSync(new URL(`../../../fixtures/webhooks/${vendor}/${name}.json`, import.meta.url), "utf8");
}

export function loadWebhookFixture(vendor: string, name: string): unknown {
  return JSON.parse(rawWebhookFixture(vendor, name));
}

/** A `Headers` built from a plain record, the way the parsers receive them from hono. */
export function headersOf(record: Record<string, string> = {}): Headers {
  return new Headers(record);
}
