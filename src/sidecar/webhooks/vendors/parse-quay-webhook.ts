/**
 * Quay repository push notifications (`repo_push`). No digest, no signature, no custom headers:
 * authenticate by secret URL path. `updated_tags` is a list today and was an object on older
 * quay.io, so both are read (docs/design/registry-protocols.md, Webhooks: Quay).
 */

import { hostOf, isRecord, stringAt } from "../../../core/json/narrow-json.ts";
import { imageEventFactory } from "./image-event.ts";
import {
  collect,
  firstEntries,
  invalid,
  type ParseOptions,
  type ParseResult,
  parsed,
  withOverLimit,
} from "./parse-result.ts";

const vendor = "quay";

export function parseQuayWebhook(body: unknown, _headers: unknown, options: ParseOptions = {}): ParseResult {
  const repository = stringAt(body, "repository");
  if (repository === undefined) return invalid("missing repository");
  const tags = updatedTags(isRecord(body) ? body.updated_tags : undefined);
  // Build and vulnerability notifications share the repository fields but carry no `updated_tags`.
  if (tags === undefined) return parsed([], [`notification for ${repository} is not a repository push`]);
  const dockerUrl = stringAt(body, "docker_url");
  const registry = options.registry ?? (dockerUrl === undefined ? undefined : hostOf(dockerUrl));
  if (registry === undefined)
    return invalid("missing docker_url (and no registry configured for the source)");
  const create = imageEventFactory(vendor);
  const { kept, over } = firstEntries(tags);
  return withOverLimit(collect(kept.map((tag) => create({ registry, repository, tag }))), over);
}

function updatedTags(value: unknown): string[] | undefined {
  if (Array.isArray(value))
    return value.filter((tag): tag is string => typeof tag === "string" && tag !== "");
  if (isRecord(value)) return Object.keys(value).filter((tag) => tag !== "");
  return undefined;
}
