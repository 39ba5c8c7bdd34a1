/**
 * Harbor project webhooks, both payload formats: `Default` (`type: PUSH_ARTIFACT`, legacy
 * `pushImage`) and `CloudEvents` (`type: harbor.artifact.pushed`). One event may carry several
 * resources; all are read. The host appears only inside `resource_url` (docs/design/registry-protocols.md, Webhooks: Harbor).
 */
import { parseImageRef } from "../../../core/images/image-ref.ts";
import { arrayAt, isDigestLike, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent, type ImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

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
  return collect(
    resources.map((resource) => fromResource(resource, repository, options)),
    deliveryId,
  );
}

function fromResource(
  resource: unknown,
  repository: string | undefined,
  options: ParseOptions,
): ImageEvent | string {
  const tag = stringAt(resource, "tag");
  const digest = stringAt(resource, "digest");
  // Harbor reports a digest-only push with the digest in place of the tag.
  if (tag === undefined || isDigestLike(tag)) return `untagged artifact ${digest ?? "(no digest)"}`;
  const url = stringAt(resource, "resource_url");
  const ref = url === undefined ? undefined : parseImageRef(url);
  const registry = options.registry ?? (ref?.domain === undefined ? undefined : ref.registry);
  const path = repository ?? ref?.repository;
  if (registry === undefined) return `no registry host in resource_url ${url ?? "(missing)"}`;
  if (path === undefined) return "no repository.repo_full_name or resource_url";
  return createImageEvent(vendor, { registry, repository: path, tag, digest });
}
