/**
 * Google Artifact Registry (and Container Registry) notifications delivered by a Pub/Sub push
 * subscription: the message JSON sits base64-encoded in `message.data`. The "unwrapped" push
 * option posts the message JSON itself, so a body with `action` at the top is read as such
 * (docs/design/registry-protocols.md, Webhooks: Google Artifact Registry). An insert with only a
 * `digest` is a push by digest: an event without a tag.
 */
import { parseImageRef } from "../../../core/images/image-ref.ts";
import { isRecord, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "gar";

export function parseGarWebhook(body: unknown, _headers: unknown, options: ParseOptions = {}): ParseResult {
  const message = recordAt(body, "message");
  const deliveryId = stringAt(message, "messageId") ?? stringAt(message, "message_id");
  const data = message === undefined ? body : decodeData(stringAt(message, "data"));
  if (typeof data === "string") return invalid(data);
  const action = stringAt(data, "action");
  if (action === undefined) return invalid("missing action in the Pub/Sub message");
  if (action !== "INSERT") return parsed([], [`action ${action} is not an insert`], deliveryId);
  const tagged = stringAt(data, "tag");
  const digested = stringAt(data, "digest");
  if (tagged === undefined && digested === undefined) return invalid("missing tag and digest");
  // An insert without a tag is a push by digest: the digest reference names the image then.
  const ref = parseImageRef(tagged ?? digested ?? "");
  if (ref?.domain === undefined) return invalid("tag or digest is not a host/path reference");
  if (tagged !== undefined && ref.tag === undefined) return invalid("tag is not a host/path:tag reference");
  const digest = digested === undefined ? undefined : parseImageRef(digested)?.digest;
  const registry = options.registry ?? ref.registry;
  return collect(
    [createImageEvent(vendor, { registry, repository: ref.repository, tag: ref.tag, digest })],
    deliveryId,
  );
}

/** The decoded message, or a reason it cannot be read. */
function decodeData(data: string | undefined): unknown {
  if (data === undefined) return "missing message.data";
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(data, "base64"));
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : "message.data is not a JSON object";
  } catch {
    return "message.data is not base64-encoded JSON";
  }
}
