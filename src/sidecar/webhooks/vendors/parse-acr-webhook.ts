/**
 * Azure Container Registry webhooks. No signature (authenticate with a custom header configured
 * on the webhook); digest-only pushes have an empty `target.tag` and become events without a tag
 * (docs/design/registry-protocols.md, Webhooks: Azure Container Registry).
 */

import { recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "acr";

export function parseAcrWebhook(body: unknown, _headers: unknown, options: ParseOptions = {}): ParseResult {
  const action = stringAt(body, "action");
  const deliveryId = stringAt(body, "id");
  if (action === undefined) return invalid("missing action");
  // `ping` (the portal's test button), `delete`, `quarantine`, `chart_push`, `chart_delete`.
  if (action !== "push") return parsed([], [`action ${action} is not a push`], deliveryId);
  const target = recordAt(body, "target");
  const repository = stringAt(target, "repository");
  if (repository === undefined) return invalid("missing target.repository");
  const tag = stringAt(target, "tag");
  const digest = stringAt(target, "digest");
  const registry = options.registry ?? stringAt(recordAt(body, "request"), "host");
  if (registry === undefined)
    return invalid("missing request.host (and no registry configured for the source)");
  return collect([createImageEvent(vendor, { registry, repository, tag, digest })], deliveryId);
}
