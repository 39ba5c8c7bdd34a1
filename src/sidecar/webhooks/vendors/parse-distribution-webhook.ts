/**
 * CNCF distribution (`registry:2`/`registry:3`) notification envelopes, also sent by self-managed
 * GitLab and Harbor's embedded registry. Events in one envelope are unrelated; blob pushes, pulls,
 * deletes and mounts are left out. A manifest pushed by digest (a platform of a multi-arch push,
 * or `push name@digest`) is an event without a tag: news about the repository all the same
 * (docs/design/registry-protocols.md, Webhooks: CNCF distribution, distribution notifications/event.go).
 */

import { createHash } from "node:crypto";
import { arrayAt, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import {
  type ImageEvent,
  type ImageEventParts,
  type InvalidReference,
  imageEventFactory,
} from "./image-event.ts";
import {
  collect,
  firstEntries,
  invalid,
  type ParseOptions,
  type ParseResult,
  withOverLimit,
} from "./parse-result.ts";

const manifestMediaTypes = new Set([
  "application/vnd.docker.distribution.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v1+prettyjws",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
]);

/** One event's id as it is; many ids as one short digest, so the replay cache holds no long keys. */
function deliveryIdOf(ids: readonly string[]): string {
  if (ids.length === 1) return ids[0] ?? "";
  return `sha256:${createHash("sha256").update(ids.join(",")).digest("hex")}`;
}

/** The distribution format is shared by several vendors; the label says which one sent it. */
export function parseDistributionWebhook(
  body: unknown,
  _headers: unknown,
  options: ParseOptions = {},
  vendor = "distribution",
): ParseResult {
  const events = arrayAt(body, "events");
  if (events === undefined) return invalid("missing events array");
  const { kept, over } = firstEntries(events);
  const ids = kept.map((event) => stringAt(event, "id")).filter((id) => id !== undefined);
  const create = imageEventFactory(vendor);
  const result = collect(
    kept.map((event, index) => fromEvent(event, index, options, create)),
    ids.length === events.length ? deliveryIdOf(ids) : undefined,
  );
  return withOverLimit(result, over);
}

function fromEvent(
  event: unknown,
  index: number,
  options: ParseOptions,
  create: (parts: ImageEventParts) => ImageEvent | InvalidReference,
): ImageEvent | InvalidReference | string {
  const action = stringAt(event, "action");
  const target = recordAt(event, "target");
  if (action !== "push") return `events[${index}]: action ${action ?? "(missing)"} is not a push`;
  const mediaType = stringAt(target, "mediaType");
  if (mediaType !== undefined && !manifestMediaTypes.has(mediaType)) {
    return `events[${index}]: media type ${mediaType} is not a manifest`;
  }
  const repository = stringAt(target, "repository");
  const tag = stringAt(target, "tag");
  const digest = stringAt(target, "digest");
  if (repository === undefined) return `events[${index}]: missing target.repository`;
  const registry = options.registry ?? stringAt(recordAt(event, "request"), "host");
  if (registry === undefined) return `events[${index}]: missing request.host`;
  return create({ registry, repository, tag, digest });
}
