/**
 * Paginated LISTs: the one loop every reader of the Kubernetes API uses. Bounded by a page count
 * the caller sets, so a server that keeps handing out `continue` tokens cannot hold a reader forever.
 */
import { KubeApiError } from "./kube-api-error.ts";

export interface Page<T> {
  readonly items: T[];
  /** The `continue` token of the next page; undefined on the last page. */
  readonly continueToken: string | undefined;
  /** The list's resourceVersion: where a watch that follows this LIST starts. */
  readonly resourceVersion?: string | undefined;
}

export interface PageRequest {
  readonly limit: number;
  readonly continueToken?: string | undefined;
}

/** The query of one page, with any other parameters (labelSelector, fieldSelector, …). */
export function pageQuery(page: PageRequest, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...extra, limit: String(page.limit) });
  if (page.continueToken !== undefined) query.set("continue", page.continueToken);
  return query.toString();
}

interface ListBody<T> {
  items?: T[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** Reads a List answer; `fill` adds what list items lack (their apiVersion and kind). */
export function pageOf<T>(body: unknown, fill: (item: T) => T = (item) => item): Page<T> {
  const list = (body ?? {}) as ListBody<T>;
  const next = list.metadata?.continue;
  return {
    items: (list.items ?? []).map(fill),
    continueToken: next ? next : undefined,
    resourceVersion: list.metadata?.resourceVersion,
  };
}

export interface ListAll<T> {
  readonly items: T[];
  /** The first page's resourceVersion (a consistent snapshot for a paginated list). */
  readonly resourceVersion: string | undefined;
}

/** Every page of a paginated LIST, in order; more than `maxPages` pages is an error, not a hang. */
export async function listAllPages<T>(
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  limit = 500,
  maxPages = 10_000,
): Promise<T[]> {
  return (await listAll(fetchPage, limit, maxPages)).items;
}

export async function listAll<T>(
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  limit = 500,
  maxPages = 10_000,
): Promise<ListAll<T>> {
  const items: T[] = [];
  let continueToken: string | undefined;
  let resourceVersion: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages >= maxPages) throw new KubeApiError(0, `LIST did not end within ${maxPages} pages`);
    const page = await fetchPage({ limit, continueToken });
    resourceVersion ??= page.resourceVersion;
    items.push(...page.items);
    continueToken = page.continueToken;
    if (continueToken === undefined) return { items, resourceVersion };
  }
}
