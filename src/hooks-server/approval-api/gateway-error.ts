/**
 * A Kubernetes API call that failed: `status` is the apiserver's HTTP status, or 0 when no answer
 * came back at all (connection refused, timeout). The approval API turns these into 502/503, and
 * a 409 on the conditional status patch into one re-read.
 */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
