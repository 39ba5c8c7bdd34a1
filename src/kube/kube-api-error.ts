/** A Kubernetes API call that answered an error status (or none: `status` 0 for a network failure). */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  readonly status: number;
  /** The Status object's `reason` (`NotFound`, `Conflict`, `Forbidden`, …), when the server sent one. */
  readonly reason: string | undefined;

  constructor(status: number, message: string, reason?: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

/** The HTTP status of a failed call, or undefined when it did not come from the API. */
export function kubeStatus(error: unknown): number | undefined {
  return error instanceof KubeApiError ? error.status : undefined;
}
