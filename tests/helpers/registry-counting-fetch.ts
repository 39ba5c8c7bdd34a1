/** A fetch that records every exchange, to assert exactly how many requests a cycle sends. */

export interface RecordedExchange {
  readonly method: string;
  /** Path and query, e.g. `/v2/apps/web/tags/list?n=1000`. */
  readonly path: string;
  readonly origin: string;
  readonly status: number | "network";
}

export interface CountingFetch {
  readonly fetch: typeof globalThis.fetch;
  readonly exchanges: RecordedExchange[];
  /** Empties the record (between cycles). */
  reset(): void;
}

export function createCountingFetch(inner: typeof globalThis.fetch = globalThis.fetch): CountingFetch {
  const exchanges: RecordedExchange[] = [];
  const counting = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const record = (status: number | "network") =>
      exchanges.push({ method, path: url.pathname + url.search, origin: url.origin, status });
    try {
      const response = await inner(input, init);
      record(response.status);
      return response;
    } catch (error) {
      record("network");
      throw error;
    }
  };
  return { fetch: counting, exchanges, reset: () => exchanges.splice(0) };
}
