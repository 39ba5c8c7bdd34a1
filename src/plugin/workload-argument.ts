/** `deployment/web`, `deploy/web`, or `deployment web`: the workload a command is about. */
import {
  type TargetKind,
  targetKindList,
  targetKindNamed,
  type WorkloadKind,
  workloadKindList,
  workloadKindNamed,
} from "../core/workloads/workload-kinds.ts";
import { UsageError } from "./command.ts";

export interface WorkloadArgument<K extends TargetKind = WorkloadKind> {
  readonly kind: K;
  readonly name: string;
}

function parseArgument<K extends TargetKind>(
  args: readonly string[],
  named: (text: string) => K | undefined,
  kinds: string,
): WorkloadArgument<K> {
  const [first = "", second] = args;
  const [kindText = "", nameText] = first.includes("/") ? first.split("/", 2) : [first, second];
  const kind = named(kindText);
  if (kind === undefined || !nameText)
    throw new UsageError(
      `name a workload as KIND/NAME, e.g. deployment/web (kinds: ${kinds}); got ${JSON.stringify(args.join(" "))}`,
    );
  return { kind, name: nameText };
}

/** A workload with a pod template (what `plan` reads). */
export function parseWorkloadArgument(args: readonly string[]): WorkloadArgument {
  return parseArgument(args, workloadKindNamed, workloadKindList);
}

/** A workload or a Flux HelmRelease: anything with a history to show or roll back. */
export function parseTargetArgument(args: readonly string[]): WorkloadArgument<TargetKind> {
  return parseArgument(args, targetKindNamed, targetKindList);
}
