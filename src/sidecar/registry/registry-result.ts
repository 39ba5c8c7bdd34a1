/**
 * Registry failures as values: every client call answers a result, so one bad registry never
 * crashes a poll cycle and the message says what to fix.
 */
import type { Result } from "../../core/result.ts";

/** What went wrong, coarse enough to branch on (metrics, retries), never parsed from the message. */
export type RegistryErrorKind = "unauthorized" | "not-found" | "rate-limited" | "unavailable" | "protocol";

export interface RegistryError {
  readonly kind: RegistryErrorKind;
  /** Normalised registry host (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** One line for a person, e.g. "unauthorized: credentials for 127.0.0.1:5000 were rejected". */
  readonly message: string;
  /** The HTTP status that decided it, when there was one. */
  readonly status?: number;
}

export type RegistryResult<T> = Result<T, RegistryError>;

export function registryError(
  kind: RegistryErrorKind,
  registry: string,
  detail: string,
  status?: number,
): RegistryError {
  return status === undefined
    ? { kind, registry, message: `${kind.replace("-", " ")}: ${detail}` }
    : { kind, registry, message: `${kind.replace("-", " ")}: ${detail}`, status };
}
