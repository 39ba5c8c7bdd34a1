/** `deployment/web`, `deploy/web`, or `deployment web`: the workload a command is about. */
import { type WorkloadKind, workloadKindNamed } from "../core/workloads/workload-kinds.ts";
import { UsageError } from "./command.ts";

export interface WorkloadArgument {
  readonly kind: WorkloadKind;
  readonly name: string;
}

export function parseWorkloadArgument(args: readonly string[]): WorkloadArgument {
  const [first = "", second] = args;
  const [kindText = "", nameText] = first.includes("/") ? first.split("/", 2) : [first, second];
  const kind = workloadKindNamed(kindText);
  if (kind === undefined || !nameText)
    throw new UsageError(
      `name a workload as KIND/NAME, e.g. deployment/web (kinds: deployment, statefulset, daemonset, cronjob); got ${JSON.stringify(args.join(" "))}`,
    );
  return { kind, name: nameText };
}
