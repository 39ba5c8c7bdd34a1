/**
 * JFrog Artifactory `docker` domain webhooks, event `pushed`. The payload names no Docker host:
 * by default the repository-path access method is assumed (`<jpd_origin host>/<repo_key>/<image>`,
 * JFrog Cloud's default); with a configured `registry` (subdomain or port method, where the repo
 * key is implied by the host) the event is `<registry>/<image>` (docs/design/registry-protocols.md, Webhooks: JFrog Artifactory).
 */

import { hostOf, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "jfrog";

export function parseJfrogWebhook(body: unknown, _headers: unknown, options: ParseOptions = {}): ParseResult {
  const domain = stringAt(body, "domain");
  const eventType = stringAt(body, "event_type");
  if (domain === undefined || eventType === undefined) return invalid("missing domain or event_type");
  if (domain !== "docker" || eventType !== "pushed")
    return parsed([], [`${domain} ${eventType} is not a docker push`]);
  const data = recordAt(body, "data");
  const image = stringAt(data, "image_name");
  const tag = stringAt(data, "tag");
  if (image === undefined || tag === undefined) return invalid("missing data.image_name or data.tag");
  // `sha256` is the hex checksum of the manifest file, which is the manifest's digest.
  const hex = stringAt(data, "sha256");
  const digest = hex !== undefined && /^[a-f0-9]{64}$/.test(hex) ? `sha256:${hex}` : undefined;
  if (options.registry !== undefined) {
    return collect([
      createImageEvent(vendor, { registry: options.registry, repository: image, tag, digest }),
    ]);
  }
  const origin = stringAt(body, "jpd_origin");
  const repoKey = stringAt(data, "repo_key");
  const host = origin === undefined ? undefined : hostOf(origin);
  if (host === undefined || repoKey === undefined) {
    return invalid("missing jpd_origin or data.repo_key (and no registry configured for the source)");
  }
  return collect([
    createImageEvent(vendor, { registry: host, repository: `${repoKey}/${image}`, tag, digest }),
  ]);
}
