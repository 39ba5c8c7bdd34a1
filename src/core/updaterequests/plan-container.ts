/**
 * One container's decision in the workloads hook: propose, keep, supersede, defer or hold back.
 * Pure, and in core because `kubectl headwind plan` asks the same question from the live cluster;
 * every branch is a row in tests/http/hooks/workloads-hook.test.ts.
 */
import type { WorkloadConfig } from "../annotations/parse-annotations.ts";
import { tagToVersion } from "../charts/helm-release.ts";
import type { ImageRef } from "../images/image-ref.ts";
import { selectAgedUpdate } from "../policy/select-aged-update.ts";
import type { Selection } from "../policy/select-update.ts";
import type { TagIndex } from "../policy/tag-index.ts";
import type { ObservedTags } from "../tags/tag-configmap.ts";
import type { ContainerImage } from "../workloads/container-images.ts";
import { activePhases, phaseOf, refusedImage, type UpdateRequest } from "./update-request.ts";

/** A repository's tags, with the index that makes a decision cost independent of their number. */
export interface IndexedTags {
  readonly observed: ObservedTags;
  readonly index?: TagIndex;
}

export type ContainerPlan = (
  | { kind: "propose"; newImage: string; attempt: number; supersede: UpdateRequest[] }
  | { kind: "keep"; keep: UpdateRequest; supersede: UpdateRequest[] }
  | { kind: "defer"; newImage: string; seconds: number }
  | { kind: "idle"; reason: string }
) & {
  /** A better tag comes of age (min-image-age) in this many seconds: sync again then. */
  recheckSeconds?: number;
};

export interface ContainerInput {
  readonly container: ContainerImage;
  readonly ref: ImageRef;
  readonly observed: IndexedTags | undefined;
  readonly config: WorkloadConfig;
  /** This container's existing requests. */
  readonly requests: readonly UpdateRequest[];
  /** When Headwind last changed this workload (epoch ms), for min-update-interval. */
  readonly lastUpdateMs: number | undefined;
  readonly nowMs: number;
}

const isPending = (ur: UpdateRequest) => phaseOf(ur) === undefined || phaseOf(ur) === "Pending";
const isActive = (ur: UpdateRequest) => isPending(ur) || activePhases.includes(phaseOf(ur) ?? "Pending");
const isRollback = (ur: UpdateRequest) => ur.spec?.type === "rollback";

export function planContainer(input: ContainerInput): ContainerPlan {
  // A person's rollback, waiting or running, holds proposals back until it has finished.
  if (input.requests.some((ur) => isRollback(ur) && isActive(ur)))
    return { kind: "idle", reason: "a rollback of this container is in progress" };
  if (input.observed === undefined)
    return { kind: "idle", reason: "no tags observed for this repository yet" };
  const { observed, index } = input.observed;
  const { config, ref } = input;
  const aged = selectAgedUpdate(ref, config.spec, observed, config.minImageAgeSeconds, input.nowMs, index);
  const plan = planSelection(input, aged.selection);
  return aged.recheckSeconds === undefined ? plan : { ...plan, recheckSeconds: aged.recheckSeconds };
}

function planSelection(input: ContainerInput, selection: Selection): ContainerPlan {
  if (selection.kind !== "update") return { kind: "idle", reason: selection.reason };
  // A chart's "image" is its version, in SemVer spelling (the ConfigMap keeps OCI tag spelling).
  const newImage = input.container.containerType === "chart" ? tagToVersion(selection.tag) : selection.image;
  if (input.requests.some((ur) => refusedImage(ur) === newImage)) {
    return { kind: "idle", reason: `${newImage} was rejected, failed or rolled back before` };
  }
  const updates = input.requests.filter((ur) => !isRollback(ur));
  const same = updates.filter((ur) => ur.spec.newImage === newImage);
  const supersede = updates.filter(
    (ur) => isPending(ur) && ur.spec.newImage !== newImage && !ur.spec.supersededBy,
  );
  const keep = same.find(isActive);
  if (keep !== undefined) return { kind: "keep", keep, supersede };
  if (updates.some((ur) => isActive(ur) && !isPending(ur))) {
    return { kind: "idle", reason: "another update of this container is in progress" };
  }
  const wait =
    input.lastUpdateMs === undefined
      ? 0
      : Math.ceil((input.lastUpdateMs + input.config.minUpdateIntervalSeconds * 1000 - input.nowMs) / 1000);
  if (wait > 0) return { kind: "defer", newImage, seconds: wait };
  return { kind: "propose", newImage, attempt: same.length, supersede };
}
