/** A Kubernetes API call that answered an error status (or none: `status` 0 for a network failure). */
/** One field the server refused (a Status's `details.causes`): what a person fixes. */
export interface KubeStatusCause {
  readonly field?: string;
  readonly message?: string;
  readonly reason?: string;
}

export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  readonly status: number;
  /** The Status object's `reason` (`NotFound`, `Conflict`, `Forbidden`, …), when the server sent one. */
  readonly reason: string | undefined;
  /** The Status object's `details.causes` (empty when it sent none). */
  readonly causes: readonly KubeStatusCause[];

  constructor(status: number, message: string, reason?: string, causes: readonly KubeStatusCause[] = []) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }
}

/** The HTTP status of a failed call, or undefined when it did not come from the API. */
export function kubeStatus(error: unknown): number | undefined {
  return error instanceof KubeApiError ? error.status : undefined;
}
