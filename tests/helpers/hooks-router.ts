/**
 * The one hooks address a test file's Metacontroller calls, in front of one hooks app per namespace:
 * each test gets its own hooks (clock, settings, notifications) and sees only its own objects.
 * Objects of namespaces no test claims (left by earlier test files) are answered 429 with a long
 * Retry-After, which Metacontroller documents as "try again later": no write, no Warning Event.
 * Every call is recorded, so a test can count hook calls per workload and assert there were no errors.
 */
import { listenOnLoopback } from "./registry-listen.ts";

/** In the body of every outage answer, so Metacontroller's SyncError Events name it. */
export const outageMessage = "hooks unavailable (a test's outage)";

export type Handler = (request: Request) => Response | Promise<Response>;

export interface HookCall {
  /** e.g. `/hooks/workloads/sync` */
  readonly path: string;
  readonly namespace: string;
  /** `Kind/name` of the object the call is about. */
  readonly object: string;
  readonly status: number;
  /** The parsed answer of a 200 (sync hooks only). */
  readonly answer?: Record<string, unknown>;
  readonly at: number;
}

export interface HooksRouter {
  readonly url: string;
  route(namespace: string, handler: Handler): void;
  unroute(namespace: string): void;
  /**
   * An outage of the hooks for `namespace`: every call about it is answered 503 (Metacontroller
   * backs off and retries), until `outage(namespace, false)`.
   */
  outage(namespace: string, down: boolean): void;
  /** Called with each answered call about `namespace` before Metacontroller gets the answer. */
  onAnswer(namespace: string, listener: (call: HookCall) => void): void;
  /** Calls about objects in `namespace`, oldest first. */
  calls(namespace: string): HookCall[];
  /** When the last call about `namespace` arrived (0 if none). */
  lastCallAt(namespace: string): number;
  /** The body of the last call to `path` about `Kind/name` in `namespace`, as Metacontroller sent it. */
  lastRequest(namespace: string, path: string, object: string): unknown;
  close(): Promise<void>;
}

interface Subject {
  readonly namespace: string;
  readonly object: string;
}

function subjectOf(body: unknown): Subject {
  const request = body as { object?: unknown; parent?: unknown };
  const object = (request.object ?? request.parent) as
    | { kind?: string; metadata?: { name?: string; namespace?: string } }
    | undefined;
  return {
    namespace: object?.metadata?.namespace ?? "",
    object: `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`,
  };
}

export async function startHooksRouter(): Promise<HooksRouter> {
  const routes = new Map<string, Handler>();
  const down = new Set<string>();
  const listeners = new Map<string, (call: HookCall) => void>();
  const calls = new Map<string, HookCall[]>();
  // One body per (namespace, path, object): bounded by the objects tests create.
  const lastRequests = new Map<string, unknown>();
  const record = (namespace: string, call: HookCall) => {
    const list = calls.get(namespace) ?? [];
    list.push(call);
    calls.set(namespace, list);
  };
  const server = await listenOnLoopback(async (request) => {
    const text = await request.text();
    const path = new URL(request.url).pathname;
    let subject: Subject;
    let body: unknown;
    try {
      body = JSON.parse(text);
      subject = subjectOf(body);
    } catch {
      return new Response(JSON.stringify({ error: "not JSON" }), { status: 400 });
    }
    const handler = routes.get(subject.namespace);
    if (down.has(subject.namespace)) return Response.json({ error: outageMessage }, { status: 503 });
    if (handler === undefined) {
      if (path.endsWith("/customize")) return Response.json({ relatedResources: [] });
      return new Response(JSON.stringify({ error: "no test owns this namespace" }), {
        status: 429,
        headers: { "retry-after": "3600", "content-type": "application/json" },
      });
    }
    lastRequests.set(`${subject.namespace} ${path} ${subject.object}`, body);
    const response = await handler(
      new Request(request.url, { method: request.method, headers: request.headers, body: text }),
    );
    const answerText = await response.text();
    const answer =
      response.status === 200 && path.endsWith("/sync")
        ? (JSON.parse(answerText) as Record<string, unknown>)
        : undefined;
    const call = { path, ...subject, status: response.status, answer, at: Date.now() };
    record(subject.namespace, call);
    listeners.get(subject.namespace)?.(call);
    return new Response(answerText, { status: response.status, headers: response.headers });
  });
  return {
    url: server.origin,
    route: (namespace, handler) => void routes.set(namespace, handler),
    outage: (namespace, isDown) => void (isDown ? down.add(namespace) : down.delete(namespace)),
    onAnswer: (namespace, listener) => void listeners.set(namespace, listener),
    unroute: (namespace) => {
      routes.delete(namespace);
      down.delete(namespace);
      listeners.delete(namespace);
      for (const key of lastRequests.keys()) if (key.startsWith(`${namespace} `)) lastRequests.delete(key);
    },
    calls: (namespace) => [...(calls.get(namespace) ?? [])],
    lastCallAt: (namespace) => calls.get(namespace)?.at(-1)?.at ?? 0,
    lastRequest: (namespace, path, object) => lastRequests.get(`${namespace} ${path} ${object}`),
    close: () => server.close(),
  };
}

/** Passes each call on to the hooks server at `origin`; 502 while it does not answer (as a Service with no ready endpoint). */
export function forwardTo(origin: string): Handler {
  return async (request) => {
    const url = new URL(request.url);
    try {
      return await fetch(`${origin}${url.pathname}`, {
        method: request.method,
        headers: request.headers,
        body: await request.text(),
      });
    } catch (error) {
      return Response.json(
        { error: `hooks server unreachable: ${error instanceof Error ? error.message : String(error)}` },
        { status: 502 },
      );
    }
  };
}
