/**
 * Harbor project webhooks, both payload formats: `Default` (`type: PUSH_ARTIFACT`, legacy
 * `pushImage`) and `CloudEvents` (`type: harbor.artifact.pushed`). One event may carry several
 * resources; all are read. The host appears only inside `resource_url` (docs/design/registry-protocols.md, Webhooks: Harbor). A push by
 * digest (Harbor puts the digest where the tag goes) is an event without a tag.
 */
import { parseImageRef } from "../../../core/images/image-ref.ts";
import { arrayAt, isDigestLike, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
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
  parsed,
  withOverLimit,
} from "./parse-result.ts";

const vendor = "harbor";
const pushTypes = new Set(["PUSH_ARTIFACT", "pushImage", "harbor.artifact.pushed"]);

export function parseHarborWebhook(
  body: unknown,
  _headers: unknown,
  options: ParseOptions = {},
): ParseResult {
  const type = stringAt(body, "type");
  if (type === undefined) return invalid("missing type");
  const cloudEvent = stringAt(body, "specversion") !== undefined;
  const deliveryId = cloudEvent ? stringAt(body, "id") : undefined;
  if (!pushTypes.has(type)) return parsed([], [`event type ${type} is not a push`], deliveryId);
  const data = recordAt(body, cloudEvent ? "data" : "event_data");
  const resources = arrayAt(data, "resources");
  if (data === undefined || resources === undefined) {
    return invalid(`missing ${cloudEvent ? "data" : "event_data"}.resources`);
  }
  const repository = stringAt(recordAt(data, "repository"), "repo_full_name");
  const create = imageEventFactory(vendor);
  const { kept, over } = firstEntries(resources);
  const result = collect(
    kept.map((resource) => fromResource(resource, repository, options, create)),
    deliveryId,
  );
  return withOverLimit(result, over);
}

function fromResource(
  resource: unknown,
  repository: string | undefined,
  options: ParseOptions,
  create: (parts: ImageEventParts) => ImageEvent | InvalidReference,
): ImageEvent | InvalidReference | string {
  const named = stringAt(resource, "tag");
  const digest = stringAt(resource, "digest");
  // Harbor reports a digest-only push with the digest in place of the tag.
  const tag = named === undefined || isDigestLike(named) ? undefined : named;
  const url = stringAt(resource, "resource_url");
  const ref = url === undefined ? undefined : parseImageRef(url);
  const registry = options.registry ?? (ref?.domain === undefined ? undefined : ref.registry);
  const path = repository ?? ref?.repository;
  if (registry === undefined) return `no registry host in resource_url ${url ?? "(missing)"}`;
  if (path === undefined) return "no repository.repo_full_name or resource_url";
  return create({ registry, repository: path, tag, digest });
}
