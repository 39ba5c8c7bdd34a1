/**
 * htmx and its server-sent-events extension, read once from node_modules and served by the
 * dashboard itself: no CDN, so it works air-gapped and no third party sees who uses it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface StaticAsset {
  readonly body: string;
  readonly type: string;
}

export function loadStaticAssets(): ReadonlyMap<string, StaticAsset> {
  const read = (id: string) => readFileSync(require.resolve(id), "utf8");
  const js = "text/javascript; charset=utf-8";
  return new Map([
    ["htmx.min.js", { body: read("htmx.org/dist/htmx.min.js"), type: js }],
    ["sse.js", { body: read("htmx-ext-sse/dist/sse.min.js"), type: js }],
  ]);
}
