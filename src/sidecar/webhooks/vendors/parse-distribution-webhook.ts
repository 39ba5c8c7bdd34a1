/**
 * CNCF distribution (`registry:2`/`registry:3`) notification envelopes, also sent by self-managed
 * GitLab and Harbor's embedded registry. Events in one envelope are unrelated; blob pushes, pulls,
 * deletes, mounts and untagged manifests (per-platform parts of a multi-arch push) are left out
 * (docs/design/registry-protocols.md, Webhooks: CNCF distribution, distribution notifications/event.go).
 */

import { arrayAt, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent, type ImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult } from "./parse-result.ts";

const manifestMediaTypes = new Set([
  "application/vnd.docker.distribution.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v1+prettyjws",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
]);

/** The distribution format is shared by several vendors; the label says which one sent it. */
export function parseDistributionWebhook(
  body: unknown,
  _headers: unknown,
  options: ParseOptions = {},
  vendor = "distribution",
): ParseResult {
  const events = arrayAt(body, "events");
  if (events === undefined) return invalid("missing events array");
  const ids = events.map((event) => stringAt(event, "id")).filter((id) => id !== undefined);
  return collect(
    events.map((event, index) => fromEvent(event, index, options, vendor)),
    ids.length === events.length ? ids.join(",") : undefined,
  );
}

function fromEvent(
  event: unknown,
  index: number,
  options: ParseOptions,
  vendor: string,
): ImageEvent | string {
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
  if (tag === undefined) return `events[${index}]: untagged manifest ${digest ?? "(no digest)"}`;
  const registry = options.registry ?? stringAt(recordAt(event, "request"), "host");
  if (registry === undefined) return `events[${index}]: missing request.host`;
  return createImageEvent(vendor, { registry, repository, tag, digest });
}
