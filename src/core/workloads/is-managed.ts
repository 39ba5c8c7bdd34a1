/**
 * Whether a container is one the workload's `headwind.sh/images` annotation asks Headwind to
 * manage. Shared by the workloads hook and the registry sidecar, so both agree on which images a
 * workload uses.
 */
import type { WorkloadConfig } from "../annotations/parse-annotations.ts";
import { parseImageRef, repositoryKey } from "../images/image-ref.ts";

/** An empty list means every container; otherwise a container name or any spelling of its repository. */
export function isManaged(config: Pick<WorkloadConfig, "images">, name: string, image: string): boolean {
  if (config.images.length === 0) return true;
  const ref = parseImageRef(image);
  const spellings = ref === undefined ? [] : [ref.path, ref.repository, repositoryKey(ref)];
  return config.images.some((item) => item === name || spellings.includes(item));
}
