/** A refusal by the apiserver, told as what the user may not do and which role grants it. */
import { KubeApiError } from "../kube/kube-api-error.ts";

const needs: Readonly<Record<string, string>> = {
  list: "list on updaterequests (the headwind-viewer ClusterRole, or view)",
  approve: "patch on updaterequests/status (the headwind-approver ClusterRole, or edit)",
  reject: "patch on updaterequests/status (the headwind-approver ClusterRole, or edit)",
  rollback: "get on the workload and create on updaterequests (the headwind-approver ClusterRole, or edit)",
  history: "get on the workload (view)",
  plan: "get on the workload, list on updaterequests, and get on configmaps in Headwind's namespace",
  status:
    "get on leases in Metacontroller's namespace, decoratorcontrollers, and configmaps in Headwind's namespace",
};

/** The message to print for a failed command; undefined when it is not the apiserver saying no. */
export function explainRefusal(command: string, namespace: string, error: unknown): string | undefined {
  if (!(error instanceof KubeApiError) || (error.status !== 403 && error.status !== 401)) return undefined;
  if (error.status === 401) return `the cluster did not accept your credentials: ${error.message}`;
  const need = needs[command];
  const hint = need ? `\nkubectl headwind ${command} needs ${need} in namespace ${namespace}` : "";
  return `refused: ${error.message}${hint}`;
}
