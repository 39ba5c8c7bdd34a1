/**
 * Whether the live cluster backs an image patch. A hook request body is Metacontroller's cached
 * view and, to anyone who can reach the hooks, free text; so before any patch the executor reads
 * the UpdateRequest and its target from the apiserver and acts only if the request still exists
 * with the uid and phase the decision assumed, names exactly this change, is owned by its target,
 * and the target still opts in to Headwind.
 */
import { parseAnnotations } from "../../core/annotations/parse-annotations.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import { untrustedReason } from "../../core/updaterequests/trust-update-request.ts";
import {
  type Phase,
  phaseOf,
  type TargetRef,
  type UpdateRequest,
} from "../../core/updaterequests/update-request.ts";
import type { Effect, PatchStep, RefusalReason } from "./effect.ts";

export type PatchEffect = Extract<Effect, { type: "patchImage" }>;

export type Authority =
  | { ok: true; target: KubeObject }
  | { ok: false; reason: RefusalReason; message: string };

/** The phase a request is in while its patch is due (persisted before the patch is sent). */
export const patchPhase: Readonly<Record<PatchStep, Phase>> = { apply: "Applying", rollback: "RollingBack" };

const refuse = (reason: RefusalReason, message: string): Authority => ({ ok: false, reason, message });

/**
 * An automatic update is applied in its first sync, before it has a phase (sync-update-request.ts).
 * Admission lets people create only rollbacks, so such a request was proposed by the workloads
 * hook; its target must still ask for no approval (checked below), so a request left over from
 * before someone turned approval on is never applied unasked.
 */
const isFirstAutomaticApply = (ur: UpdateRequest, step: PatchStep): boolean =>
  step === "apply" &&
  phaseOf(ur) === undefined &&
  ur.spec.approval === "Automatic" &&
  ur.spec.type !== "rollback";

export const sameRef = (a: TargetRef, b: TargetRef): boolean =>
  a.apiVersion === b.apiVersion && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

function namesThisChange(effect: PatchEffect, ur: UpdateRequest): boolean {
  const { spec } = ur;
  const [from, to] =
    effect.step === "apply" ? [spec.currentImage, spec.newImage] : [spec.newImage, spec.currentImage];
  return (
    sameRef(spec.targetRef, effect.target) &&
    spec.containerName === effect.container &&
    (spec.containerType ?? "containers") === effect.containerType &&
    from === effect.from &&
    to === effect.to
  );
}

export function checkPatchAuthority(
  effect: PatchEffect,
  ur: UpdateRequest | undefined,
  target: KubeObject | undefined,
): Authority {
  const ref = effect.updateRequest;
  const named = `UpdateRequest ${ref.namespace}/${ref.name}`;
  if (ur === undefined) return refuse("no-update-request", `${named} does not exist`);
  if (ur.metadata.uid !== ref.uid)
    return refuse("uid-mismatch", `${named} is another object (uid ${ur.metadata.uid}, not ${ref.uid})`);
  const firstAutomatic = isFirstAutomaticApply(ur, effect.step);
  if (phaseOf(ur) !== patchPhase[effect.step] && !firstAutomatic)
    return refuse("phase", `${named} is ${phaseOf(ur) ?? "not yet synced"}, not ${patchPhase[effect.step]}`);
  if (!namesThisChange(effect, ur))
    return refuse(
      "spec-mismatch",
      `${named} does not name ${effect.from} -> ${effect.to} for this container`,
    );
  const { kind, namespace, name } = effect.target;
  if (target === undefined) return refuse("no-target", `${kind} ${namespace}/${name} does not exist`);
  const distrust = untrustedReason(ur, target);
  if (distrust !== undefined) return refuse("untrusted", distrust);
  const { config } = parseAnnotations(target.metadata.annotations);
  if (config.spec.policy === "none")
    return refuse("not-annotated", `${kind} ${namespace}/${name} does not opt in with a headwind.sh/policy`);
  if (firstAutomatic && config.requireApproval)
    return refuse("phase", `${named} needs no approval, but ${kind} ${namespace}/${name} now requires one`);
  return { ok: true, target };
}
