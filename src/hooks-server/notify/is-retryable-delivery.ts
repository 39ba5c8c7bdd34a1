/**
 * Whether a failed notification may be sent again. Only when the receiver surely did not act on it:
 * it answered 429 or 5xx, or the connection was never made. A timeout or a connection dropped
 * mid-request may come after the receiver took the message, and a second copy is worse than a
 * late one (each notification goes out once per request and phase).
 */
const neverConnected = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  readonly status: number;

  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

function causeCode(error: unknown): unknown {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code;
}

export function isRetryableDelivery(error: unknown): boolean {
  if (error instanceof DeliveryError) return error.status === 429 || error.status >= 500;
  const code = causeCode(error);
  return typeof code === "string" && neverConnected.has(code);
}
