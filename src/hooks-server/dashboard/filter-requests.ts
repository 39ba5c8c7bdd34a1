/**
 * What the dashboard lists: requests waiting for a person first (oldest first: they expire first),
 * then the others newest first, narrowed by the filters in the page's query (phase, text).
 */
import { phaseOf, type UpdateRequest } from "../../core/updaterequests/update-request.ts";

export interface RequestFilter {
  /** "" for every namespace the person may list. */
  readonly namespace: string;
  /** "" for every phase. */
  readonly phase: string;
  /** Matched, case-insensitively, against name, workload, container and images. */
  readonly text: string;
}

/** History shown below the pending requests; a cluster's whole history would be a page nobody reads. */
export const historyLimit = 200;
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function readFilter(query: (name: string) => string | undefined): RequestFilter {
  const namespace = (query("namespace") ?? "").trim();
  return {
    namespace: namespacePattern.test(namespace) ? namespace : "",
    phase: (query("phase") ?? "").slice(0, 32),
    text: (query("q") ?? "").trim().slice(0, 200),
  };
}

/** The query string that shows the same filter again (after a form, or for the live view). */
export function filterQuery(filter: RequestFilter): string {
  return new URLSearchParams({ namespace: filter.namespace, phase: filter.phase, q: filter.text }).toString();
}

const isWaiting = (ur: UpdateRequest) => (phaseOf(ur) ?? "Pending") === "Pending";

function matches(ur: UpdateRequest, filter: RequestFilter): boolean {
  if (filter.phase !== "" && (phaseOf(ur) ?? "Pending") !== filter.phase) return false;
  if (filter.text === "") return true;
  const needle = filter.text.toLowerCase();
  const { spec, metadata } = ur;
  return [metadata.name, spec?.targetRef?.name, spec?.containerName, spec?.currentImage, spec?.newImage].some(
    (field) => typeof field === "string" && field.toLowerCase().includes(needle),
  );
}

export function splitRequests(urs: readonly UpdateRequest[], filter: RequestFilter) {
  const created = (ur: UpdateRequest) => ur.metadata.creationTimestamp ?? "";
  const shown = urs.filter((ur) => ur.spec !== undefined && matches(ur, filter));
  return {
    pending: shown.filter(isWaiting).sort((a, b) => created(a).localeCompare(created(b))),
    history: shown
      .filter((ur) => !isWaiting(ur))
      .sort((a, b) => created(b).localeCompare(created(a)))
      .slice(0, historyLimit),
  };
}
