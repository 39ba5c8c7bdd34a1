/**
 * The one place where cloud credentials join pull secrets: a matching pull secret wins (the
 * workload's own, its ServiceAccount's, then the operator's); only without one does a cloud's
 * workload identity step in, and only for a host of that cloud.
 */
import type { RegistryResult } from "../registry-result.ts";
import { type RegistryCredentials, selectCredentials } from "../select-credentials.ts";
import type { CloudCredentials } from "./create-cloud-credentials.ts";

export async function chooseCredentials(
  dockerConfigs: readonly unknown[],
  registry: string,
  cloud: CloudCredentials | undefined,
): Promise<RegistryResult<RegistryCredentials | undefined>> {
  const fromSecrets = selectCredentials(dockerConfigs, registry);
  if (fromSecrets !== undefined || cloud === undefined) return { ok: true, value: fromSecrets };
  return (await cloud(registry)) ?? { ok: true, value: undefined };
}
