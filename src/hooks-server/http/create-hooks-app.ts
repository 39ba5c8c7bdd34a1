/**
 * The hooks server (port 8000): Metacontroller v2 customize and sync hooks for the workloads and
 * UpdateRequests controllers. Failure rules: a body that is not a valid hook request is a 4xx; any
 * failure to compute or carry out a full answer is a 5xx (Metacontroller retries with backoff),
 * never a 200 that would drop attachments. Answers carry only contract fields.
 */
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { HookInputError } from "../metacontroller/hook-input-error.ts";
import {
  type Parsed,
  parseCustomizeRequest,
  parseDecoratorSyncRequest,
} from "../metacontroller/parse-hook-request.ts";
import { customizeUpdateRequest } from "../updaterequests/customize-update-request.ts";
import { customizeWorkload } from "../workloads/customize-workloads.ts";
import { checkHookCredential } from "./check-hook-credential.ts";
import type { HooksAppDeps } from "./hooks-app-deps.ts";
import { readJson } from "./read-json.ts";
import { runUpdateRequestSync } from "./run-update-request-sync.ts";
import { runWorkloadSync } from "./run-workload-sync.ts";

type Handler = (body: unknown, log: Logger) => Promise<unknown>;

function parsedOrThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new BadRequest(parsed.error);
  return parsed.value;
}

class BadRequest extends Error {
  override readonly name = "BadRequest";
}

function statusOf(error: unknown): 400 | 422 | 500 {
  if (error instanceof BadRequest) return 400;
  return error instanceof HookInputError ? 422 : 500;
}

interface Answer {
  code: 200 | 400 | 415 | 422 | 500;
  body: unknown;
}

async function answer(
  c: Context,
  name: string,
  handle: Handler,
  deps: HooksAppDeps,
  span: Span,
): Promise<Answer> {
  const read = await readJson(c);
  if (!read.ok) return { code: read.status, body: { error: read.error } };
  const log = deps.logger.child({ hook: name });
  try {
    return { code: 200, body: await handle(read.value, log) };
  } catch (error) {
    const code = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    log[code === 500 ? "error" : "warn"]({ err: error }, "hook answered with an error");
    deps.metrics.reconcileErrors.inc({ hook: name, reason: code === 500 ? "internal" : "bad-request" });
    const shown = code === 500 ? "could not compute a complete answer; see the hooks server log" : message;
    return { code, body: { error: shown } };
  }
}

export function createHooksApp(deps: HooksAppDeps): Hono {
  const app = new Hono();
  const limit = deps.maxBodyBytes ?? 16 * 1024 * 1024;

  const hook = (name: string, handle: Handler) => async (c: Context) => {
    const stop = deps.metrics.duration.startTimer({ hook: name });
    const { code, body } = await deps.tracer.startActiveSpan(`hook ${name}`, async (span) => {
      try {
        return await answer(c, name, handle, deps, span);
      } finally {
        span.end();
      }
    });
    deps.metrics.requests.inc({ hook: name, code: String(code) });
    stop();
    return c.json(body, code);
  };

  const tooLarge = (c: Context) => c.json({ error: `request body over ${limit} bytes` }, 413);
  // Before the body is read: an unauthenticated caller costs a header check, never 16 MiB.
  app.use("/hooks/*", async (c, next) => {
    if (deps.hookAuth.mode === "disabled") return next();
    const verdict = checkHookCredential(c.req.header("authorization"), deps.hookAuth.tokens);
    if (verdict === "ok") return next();
    deps.metrics.unauthorized.inc({ reason: verdict });
    deps.logger.warn({ path: c.req.path, reason: verdict }, "hook call refused: no valid credential");
    c.header("WWW-Authenticate", 'Bearer realm="headwind-hooks"');
    return c.json({ error: "hook calls need the credential from the hook Secret" }, 401);
  });
  app.use("/hooks/*", bodyLimit({ maxSize: limit, onError: tooLarge }));
  app.post(
    "/hooks/workloads/customize",
    hook("workloads/customize", async (body) =>
      customizeWorkload(parsedOrThrow(parseCustomizeRequest(body)).parent, deps.settings),
    ),
  );
  app.post(
    "/hooks/workloads/sync",
    hook("workloads/sync", (body, log) =>
      runWorkloadSync(parsedOrThrow(parseDecoratorSyncRequest(body)), deps, log),
    ),
  );
  app.post(
    "/hooks/updaterequests/customize",
    hook("updaterequests/customize", async (body) =>
      customizeUpdateRequest(parsedOrThrow(parseCustomizeRequest(body)).parent),
    ),
  );
  app.post(
    "/hooks/updaterequests/sync",
    hook("updaterequests/sync", (body, log) =>
      runUpdateRequestSync(parsedOrThrow(parseDecoratorSyncRequest(body)), deps, log),
    ),
  );
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/readyz", (c) => c.text("ok"));
  return app;
}
