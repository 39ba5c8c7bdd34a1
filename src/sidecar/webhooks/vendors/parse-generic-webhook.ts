/**
 * Headwind's own format, for CI pipelines and registries without a parser of their own:
 * `{"repository":"ghcr.io/org/app","tag":"1.2.3","digest":"sha256:…"}` or
 * `{"images":[{…},{…}]}`. The repository is a full name (host included); tag and digest are
 * optional, and an entry with neither asks for a re-scan of the repository. The sender is ours to
 * configure, so any malformed entry rejects the whole request rather than being skipped.
 */
import { parseImageRef } from "../../../core/images/image-ref.ts";
import { arrayAt, isRecord } from "../../../core/json/narrow-json.ts";
import type { HeadersLike } from "./headers-like.ts";
import { createImageEvent, type ImageEvent, isInvalidReference } from "./image-event.ts";
import { invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "generic";
const maxImages = 1000;

export function parseGenericWebhook(
  body: unknown,
  headers: HeadersLike,
  options: ParseOptions = {},
): ParseResult {
  const deliveryId = headers.get("x-headwind-delivery")?.trim();
  const images = arrayAt(body, "images");
  const entries = images ?? [body];
  if (images !== undefined && isRecord(body) && body.repository !== undefined) {
    return invalid("give either repository or images, not both");
  }
  if (entries.length > maxImages) return invalid(`more than ${maxImages} images`);
  const events: ImageEvent[] = [];
  for (const [index, entry] of entries.entries()) {
    const event = fromEntry(entry, options);
    if (typeof event === "string")
      return invalid(images === undefined ? event : `images[${index}]: ${event}`);
    events.push(event);
  }
  return parsed(events, [], deliveryId);
}

function fromEntry(entry: unknown, options: ParseOptions): ImageEvent | string {
  const event = readEntry(entry, options);
  return isInvalidReference(event) ? event.invalid : event;
}

function readEntry(entry: unknown, options: ParseOptions) {
  if (!isRecord(entry)) return "not an object";
  const { repository, tag, digest } = entry;
  if (typeof repository !== "string") return "repository must be a string";
  if (tag !== undefined && typeof tag !== "string") return "tag must be a string";
  if (digest !== undefined && typeof digest !== "string") return "digest must be a string";
  const ref = parseImageRef(repository);
  if (ref === undefined || ref.tag !== undefined || ref.digest !== undefined) {
    return "repository must be an image name without tag or digest";
  }
  // A name without a host means Docker Hub, unless the source pins a registry (then `app` stays `app`).
  if (options.registry === undefined) {
    return createImageEvent(vendor, { registry: ref.registry, repository: ref.repository, tag, digest });
  }
  const path = ref.domain === undefined ? ref.path : ref.repository;
  return createImageEvent(vendor, { registry: options.registry, repository: path, tag, digest });
}
