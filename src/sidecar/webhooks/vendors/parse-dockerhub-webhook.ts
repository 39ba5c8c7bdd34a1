/**
 * Docker Hub repository webhooks. Only pushes exist, with no event field, no digest and no
 * signature: the source is authenticated by its secret URL path alone. A push without a tag is
 * an event without one: the repository changed.
 * Shape: docs.docker.com/docker-hub/repos/manage/webhooks (docs/design/registry-protocols.md, Webhooks: Docker Hub).
 */

import { recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult } from "./parse-result.ts";

const vendor = "dockerhub";

export function parseDockerhubWebhook(
  body: unknown,
  _headers: unknown,
  options: ParseOptions = {},
): ParseResult {
  const repository = stringAt(recordAt(body, "repository"), "repo_name");
  const pushData = recordAt(body, "push_data");
  if (repository === undefined) return invalid("missing repository.repo_name");
  if (pushData === undefined) return invalid("missing push_data");
  const tag = stringAt(pushData, "tag");
  // `callback_url` is Docker Hub's legacy validation callback; calling it would be an outbound request on a hint.
  return collect([createImageEvent(vendor, { registry: options.registry ?? "docker.io", repository, tag })]);
}
