/**
 * GitHub `package` events (and the legacy `registry_package`), routed on `X-GitHub-Event`.
 * Only container packages, only `published`/`updated`; untagged platform manifests arrive with
 * an empty tag and are left out (docs/design/registry-protocols.md, Webhooks: GitHub Packages).
 */

import { isDigestLike, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import type { HeadersLike } from "./headers-like.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "github";
const packageEvents = new Set(["package", "registry_package"]);
const pushActions = new Set(["published", "updated"]);
// GitHub has reported container packages as CONTAINER, container and (older) docker.
const containerTypes = new Set(["container", "docker"]);

export function parseGithubWebhook(
  body: unknown,
  headers: HeadersLike,
  options: ParseOptions = {},
): ParseResult {
  const event = headers.get("x-github-event")?.trim();
  const deliveryId = headers.get("x-github-delivery")?.trim();
  if (event === undefined || event === "") return invalid("missing X-GitHub-Event header");
  if (!packageEvents.has(event)) return parsed([], [`event ${event} is not a package event`], deliveryId);
  const action = stringAt(body, "action");
  const pkg = recordAt(body, event);
  if (action === undefined) return invalid("missing action");
  if (pkg === undefined) return invalid(`missing ${event}`);
  if (!pushActions.has(action)) return parsed([], [`package action ${action} is not a publish`], deliveryId);
  const type = stringAt(pkg, "package_type")?.toLowerCase();
  if (type === undefined || !containerTypes.has(type)) {
    return parsed([], [`package type ${type ?? "(missing)"} is not a container`], deliveryId);
  }
  const owner = stringAt(pkg, "namespace") ?? stringAt(recordAt(pkg, "owner"), "login");
  const name = stringAt(pkg, "name");
  if (owner === undefined || name === undefined) return invalid("missing package name or owner");
  const version = recordAt(pkg, "package_version");
  const tagInfo = recordAt(recordAt(version, "container_metadata"), "tag");
  const tag = stringAt(tagInfo, "name");
  // `package_version.version` is the manifest digest for containers; only trust it when it looks like one.
  const digest = [stringAt(tagInfo, "digest"), stringAt(version, "version")].find(
    (d) => d !== undefined && isDigestLike(d),
  );
  if (tag === undefined) return parsed([], [`untagged manifest ${digest ?? "(no digest)"}`], deliveryId);
  const registry = options.registry ?? "ghcr.io";
  return collect(
    [createImageEvent(vendor, { registry, repository: `${owner}/${name}`, tag, digest })],
    deliveryId,
  );
}
