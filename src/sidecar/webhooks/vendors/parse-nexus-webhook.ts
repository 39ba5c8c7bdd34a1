/**
 * Sonatype Nexus Repository 3 "Webhook: Repository" component events. The payload has neither
 * digest nor Docker host (the connector port is Nexus config), so the source must configure its
 * `registry`. Asset events are left out: a docker component event already names image and tag
 * (docs/design/registry-protocols.md, Webhooks: Sonatype Nexus; Sonatype's published sample is npm, the docker field mapping is by analogy).
 */

import { recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import type { HeadersLike } from "./headers-like.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "nexus";
const pushActions = new Set(["CREATED", "UPDATED"]);

export function parseNexusWebhook(
  body: unknown,
  headers: HeadersLike,
  options: ParseOptions = {},
): ParseResult {
  const kind = headers.get("x-nexus-webhook-id")?.trim();
  const deliveryId = headers.get("x-nexus-webhook-delivery")?.trim();
  const action = stringAt(body, "action");
  if (action === undefined) return invalid("missing action");
  if (kind !== undefined && kind !== "rm:repository:component") {
    return parsed([], [`webhook ${kind} is not a component event`], deliveryId);
  }
  if (!pushActions.has(action)) return parsed([], [`action ${action} is not a create`], deliveryId);
  const component = recordAt(body, "component");
  if (component === undefined) return invalid("missing component");
  const format = stringAt(component, "format");
  if (format !== "docker")
    return parsed([], [`component format ${format ?? "(missing)"} is not docker`], deliveryId);
  const name = stringAt(component, "name");
  const tag = stringAt(component, "version");
  if (name === undefined || tag === undefined) return invalid("missing component.name or component.version");
  if (options.registry === undefined) return invalid("no registry configured for the Nexus source");
  return collect(
    [createImageEvent(vendor, { registry: options.registry, repository: name, tag })],
    deliveryId,
  );
}
