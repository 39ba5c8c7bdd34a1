/**
 * GitHub `package` events (and the legacy `registry_package`), routed on `X-GitHub-Event`. Only
 * `published`/`updated`, and only container packages: judged by the image the version's
 * `package_url` names (an image on the container registry, or not a container at all), and when
 * there is none by the package's type, ecosystem or registry type saying "container" — GitHub's
 * spelling of those has varied. Untagged versions (platform manifests, pushes by digest) are
 * events without a tag (docs/design/registry-protocols.md, Webhooks: GitHub Packages).
 */

import { type ImageRef, parseImageRef } from "../../../core/images/image-ref.ts";
import { isDigestLike, type JsonRecord, recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import type { HeadersLike } from "./headers-like.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "github";
const packageEvents = new Set(["package", "registry_package"]);
const pushActions = new Set(["published", "updated"]);
// GitHub has reported container packages as CONTAINER, container and (older) docker.
const containerKinds = new Set(["container", "docker"]);
const containerHosts = new Set(["ghcr.io", "docker.pkg.github.com"]);

/**
 * The image `package_url` names: a reference on a container registry host, `null` when it names
 * something else (an npm package URL), undefined when the payload has none.
 */
function namedImage(version: JsonRecord | undefined, options: ParseOptions): ImageRef | null | undefined {
  const url = stringAt(version, "package_url");
  if (url === undefined) return undefined;
  const ref = parseImageRef(url);
  const hosts =
    options.registry === undefined ? containerHosts : new Set([...containerHosts, options.registry]);
  return ref?.domain !== undefined && hosts.has(ref.registry) ? ref : null;
}

/** What the package names decides; without a name, any of its type fields saying "container". */
function isContainer(pkg: JsonRecord, image: ImageRef | null | undefined): boolean {
  if (image !== undefined) return image !== null;
  const kinds = [
    stringAt(pkg, "package_type"),
    stringAt(pkg, "ecosystem"),
    stringAt(recordAt(pkg, "registry"), "type"),
  ];
  return kinds.some((kind) => kind !== undefined && containerKinds.has(kind.toLowerCase()));
}

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
  const version = recordAt(pkg, "package_version");
  const image = namedImage(version, options);
  if (!isContainer(pkg, image)) {
    const type = stringAt(pkg, "package_type")?.toLowerCase();
    return parsed([], [`package type ${type ?? "(missing)"} is not a container`], deliveryId);
  }
  const owner = stringAt(pkg, "namespace") ?? stringAt(recordAt(pkg, "owner"), "login");
  const name = stringAt(pkg, "name");
  const repository =
    image?.repository ?? (owner === undefined || name === undefined ? undefined : `${owner}/${name}`);
  if (repository === undefined) return invalid("missing package name or owner");
  const tagInfo = recordAt(recordAt(version, "container_metadata"), "tag");
  const tag = stringAt(tagInfo, "name") ?? image?.tag;
  // `package_version.version` is the manifest digest for containers; only trust it when it looks like one.
  const digest = [stringAt(tagInfo, "digest"), stringAt(version, "version")].find(
    (d) => d !== undefined && isDigestLike(d),
  );
  const registry = options.registry ?? image?.registry ?? "ghcr.io";
  return collect([createImageEvent(vendor, { registry, repository, tag, digest })], deliveryId);
}
