import type { KubeTransport } from "./create-kube-transport.ts";
import { kubeStatus } from "./kube-api-error.ts";

/** GET that answers undefined for a 404 (a missing object is an answer, not an error). */
export async function getOrUndefined<T>(transport: KubeTransport, path: string): Promise<T | undefined> {
  try {
    return (await transport({ method: "GET", path })) as T;
  } catch (error) {
    if (kubeStatus(error) === 404) return undefined;
    throw error;
  }
}
