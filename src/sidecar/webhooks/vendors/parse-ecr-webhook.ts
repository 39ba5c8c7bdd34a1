/**
 * AWS ECR pushes as native EventBridge events ("ECR Image Action"), delivered through an API
 * destination. Scan, replication and pull-through-cache events share the envelope and are left
 * out (docs/design/registry-protocols.md, Webhooks: Amazon ECR, docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html). A push
 * without `image-tag` (by digest) is an event without a tag.
 */

import { recordAt, stringAt } from "../../../core/json/narrow-json.ts";
import { createImageEvent } from "./image-event.ts";
import { collect, invalid, type ParseOptions, type ParseResult, parsed } from "./parse-result.ts";

const vendor = "ecr";

export function parseEcrWebhook(body: unknown, _headers: unknown, options: ParseOptions = {}): ParseResult {
  const detailType = stringAt(body, "detail-type");
  const source = stringAt(body, "source");
  const deliveryId = stringAt(body, "id");
  if (detailType === undefined) return invalid("missing detail-type (not an EventBridge event)");
  if (detailType !== "ECR Image Action" || (source !== undefined && source !== "aws.ecr")) {
    return parsed([], [`${source ?? "(no source)"} ${detailType} is not an ECR image action`], deliveryId);
  }
  const detail = recordAt(body, "detail");
  const action = stringAt(detail, "action-type");
  const result = stringAt(detail, "result");
  if (action !== "PUSH" || result !== "SUCCESS") {
    return parsed(
      [],
      [`${action ?? "(no action)"} ${result ?? "(no result)"} is not a successful push`],
      deliveryId,
    );
  }
  const repository = stringAt(detail, "repository-name");
  if (repository === undefined) return invalid("missing detail.repository-name");
  const tag = stringAt(detail, "image-tag");
  const digest = stringAt(detail, "image-digest");
  const registry = options.registry ?? ecrHost(stringAt(body, "account"), stringAt(body, "region"));
  if (registry === undefined) return invalid("missing account or region");
  return collect([createImageEvent(vendor, { registry, repository, tag, digest })], deliveryId);
}

/** China regions live under `amazonaws.com.cn`. */
function ecrHost(account: string | undefined, region: string | undefined): string | undefined {
  if (account === undefined || region === undefined) return undefined;
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${account}.dkr.ecr.${region}.${suffix}`;
}
