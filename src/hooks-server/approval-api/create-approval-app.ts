/**
 * The approval API (port 8081): the original Headwind's routes and bodies, so its users and its
 * kubectl plugin can move over, but authenticated and authorized by Kubernetes itself. Every /api
 * call carries `Authorization: Bearer <token>`; a TokenReview says whose it is, and a
 * SubjectAccessReview asks whether that person could make the same change with kubectl (patch
 * `updaterequests/status`, get/list `updaterequests`, get `deployments`). Headwind's own
 * ServiceAccount then makes the call. Approval is only a status write: the UpdateRequests hook
 * carries it out, exactly as after a `kubectl patch --subresource=status`.
 *
 * A rollback is different: it creates an UpdateRequest, which the hooks ServiceAccount may not do
 * and admission ties to its creator, so it is made with the caller's own token (request-rollback.ts).
 */

import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import { annotations } from "../../core/metadata-keys.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { ApprovalAction } from "../../core/updaterequests/decide-approval.ts";
import { requestRollback } from "../../core/updaterequests/request-rollback.ts";
import { parseHistory } from "../../core/updaterequests/update-history.ts";
import {
  findTargetKind,
  type TargetKind,
  targetKindList,
  targetKindNamed,
} from "../../core/workloads/workload-kinds.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import { KubeApiError } from "../../kube/kube-api-error.ts";
import { type BodyResult, readJson } from "../http/read-json.ts";
import type { AccessCheck, ApprovalGateway, Identity } from "./approval-gateway.ts";
import { approvalOpenApi } from "./approval-openapi.ts";
import { approverLabel } from "./approver-label.ts";
import type { ApprovalMetrics } from "./create-approval-metrics.ts";
import { type ApprovalBody, parseApprovalBody } from "./parse-approval-body.ts";
import { readRollbackAsk } from "./parse-rollback-body.ts";
import { rollbackPorts } from "./rollback-ports.ts";
import { writeDecision } from "./write-decision.ts";

export interface ApprovalAppDeps {
  readonly gateway: ApprovalGateway;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ApprovalMetrics;
  /** A transport that acts with the caller's own token (for rollbacks). */
  readonly asPerson: (token: string) => KubeTransport;
  /** How long a rollback that needs approval waits for one. */
  readonly approvalTtlSeconds: number;
  /** Approve/reject bodies are a few short strings; 64 KiB is generous. */
  readonly maxBodyBytes?: number;
}

type Env = { Variables: { route: string; identity: Identity; token: string } };

const historyAnnotation = annotations.updateHistory;
const group = "headwind.sh";
// Exists by construction: the table in core/workloads/workload-kinds.ts names it.
const deploymentKind = findTargetKind("Deployment") as TargetKind;
/** The apiserver's own refusals of a person's request are theirs to read, not a gateway failure. */
const personErrors = new Set([400, 403, 404, 409, 422]);
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const namePattern = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}

function describe(check: AccessCheck): string {
  const resource = `${check.resource}${check.subresource ? `/${check.subresource}` : ""}`;
  const where = check.namespace === "" ? "in all namespaces" : `in namespace ${check.namespace}`;
  return `${check.verb} ${resource}${check.name ? ` ${check.name}` : ""} ${where}`;
}

/** No answer, an overloaded or failing apiserver: try again later. Anything else: a bad gateway. */
function gatewayCode(status: number): 502 | 503 {
  return status === 0 || status === 429 || status >= 500 ? 503 : 502;
}

async function readBody(c: Context<Env>, action: ApprovalAction): Promise<BodyResult<ApprovalBody>> {
  const read = await readJson(c);
  if (!read.ok) return read;
  const body = parseApprovalBody(read.value, action);
  return body.ok ? body : { ok: false, status: 400, error: body.error };
}

interface Guard {
  readonly route: string;
  /** The check to ask for, or the 400 message when the request names no valid object. */
  readonly access: (c: Context<Env>) => AccessCheck | string;
  readonly audit?: ApprovalAction;
}

export function createApprovalApp(deps: ApprovalAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { gateway, logger } = deps;
  const maxBodyBytes = deps.maxBodyBytes ?? 64 * 1024;

  const audit = (
    action: ApprovalAction,
    fields: { user: string; namespace: string; name: string; result: string; [key: string]: unknown },
  ) => logger.info({ audit: true, action, resourceType: "UpdateRequest", ...fields }, `audit ${action}`);

  /** The caller's identity, or the 401 that says why there is none. */
  const authenticate = async (c: Context<Env>, route: string): Promise<Identity | Response> => {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) {
      c.header("WWW-Authenticate", 'Bearer realm="headwind"');
      return c.json({ error: "missing bearer token: send Authorization: Bearer <Kubernetes token>" }, 401);
    }
    const identity = await gateway.authenticate(token);
    if (identity !== undefined) {
      c.set("token", token);
      return identity;
    }
    logger.warn({ route }, "api call with a token Kubernetes does not accept");
    c.header("WWW-Authenticate", 'Bearer realm="headwind", error="invalid_token"');
    return c.json({ error: "invalid or expired bearer token" }, 401);
  };

  /** Authenticate, validate the path, authorize: in that order, so strangers learn nothing. */
  const guard = (spec: Guard) =>
    createMiddleware<Env>(async (c, next) => {
      c.set("route", spec.route);
      const identity = await authenticate(c, spec.route);
      if (identity instanceof Response) return identity;
      const check = spec.access(c);
      if (typeof check === "string") return c.json({ error: check }, 400);
      const verdict = await gateway.authorize(identity, check);
      if (!verdict.allowed) {
        const error = `${identity.username} may not ${describe(check)}`;
        const { namespace, name = "" } = check;
        if (spec.audit) audit(spec.audit, { user: identity.username, namespace, name, result: "denied" });
        else logger.warn({ route: spec.route, user: identity.username, reason: verdict.reason }, error);
        return c.json({ error }, 403);
      }
      c.set("identity", identity);
      await next();
    });

  const objectParams = (c: Context<Env>, nameKey = "name") => {
    const namespace = c.req.param("namespace") ?? "";
    const name = c.req.param(nameKey) ?? "";
    if (!namespacePattern.test(namespace)) return `not a namespace name: ${JSON.stringify(namespace)}`;
    if (!namePattern.test(name)) return `not an object name: ${JSON.stringify(name)}`;
    return { namespace, name };
  };

  const urAccess =
    (verb: string, subresource?: string) =>
    (c: Context<Env>): AccessCheck | string => {
      const params = objectParams(c);
      if (typeof params === "string") return params;
      return { verb, group, resource: "updaterequests", ...(subresource ? { subresource } : {}), ...params };
    };

  const rollbackAccess = (c: Context<Env>): AccessCheck | string => {
    const target = workloadTarget(c);
    if (typeof target === "string") return target;
    return { verb: "create", group, resource: "updaterequests", namespace: target.namespace };
  };

  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => c.json({ error: `request body over ${maxBodyBytes} bytes` }, 413),
  });

  app.use("/api/*", async (c, next) => {
    await next();
    deps.metrics.requests.inc({ route: c.get("route") ?? "unmatched", code: String(c.res.status) });
  });

  app.get(
    "/api/v1/updates",
    guard({
      route: "list",
      access: (c) => {
        const namespace = c.req.query("namespace") ?? "";
        if (namespace !== "" && !namespacePattern.test(namespace))
          return `not a namespace name: ${JSON.stringify(namespace)}`;
        return { verb: "list", group, resource: "updaterequests", namespace };
      },
    }),
    async (c) => c.json(await gateway.listUpdateRequests(c.req.query("namespace") || undefined)),
  );

  app.get("/api/v1/updates/:namespace/:name", guard({ route: "get", access: urAccess("get") }), async (c) => {
    const { namespace, name } = c.req.param();
    const ur = await gateway.getUpdateRequest(namespace, name);
    if (ur === undefined) return c.json({ error: `UpdateRequest not found: ${namespace}/${name}` }, 404);
    return c.json(ur);
  });

  const decide = (action: ApprovalAction) => async (c: Context<Env>) => {
    const { namespace = "", name = "" } = c.req.param();
    const user = c.get("identity").username;
    const record = (result: string, extra: Record<string, unknown> = {}) =>
      audit(action, { user, namespace, name, result, ...extra });
    const body = await readBody(c, action);
    if (!body.ok) {
      record("invalid", { error: body.error });
      return c.json({ error: body.error }, body.status);
    }
    const verdict = { by: approverLabel(user, body.value.approver), reason: body.value.reason };
    const outcome = await writeDecision(gateway, deps.clock, { namespace, name, action, verdict }).catch(
      (error: unknown) => {
        record("error", { error: error instanceof Error ? error.message : String(error) });
        throw error;
      },
    );
    switch (outcome.result) {
      case "success":
        (action === "approve" ? deps.metrics.approved : deps.metrics.rejected).inc();
        record("success", { phase: outcome.phase, recordedAs: verdict.by, attempts: outcome.attempts });
        return c.json(outcome.ur);
      case "not-found":
        record("not-found");
        return c.json({ error: `UpdateRequest not found: ${namespace}/${name}` }, 404);
      case "conflict":
        record("conflict", { phase: outcome.phase });
        return c.json({ error: outcome.error, current_phase: outcome.phase }, 409);
    }
  };

  for (const action of ["approve", "reject"] as const) {
    app.post(
      `/api/v1/updates/:namespace/:name/${action}`,
      guard({ route: action, access: urAccess("patch", "status"), audit: action }),
      limit,
      decide(action),
    );
  }

  const workloadTarget = (c: Context<Env>) => {
    const params = objectParams(c);
    if (typeof params === "string") return params;
    const kindParam = c.req.param("kind");
    const kind = kindParam === undefined ? deploymentKind : targetKindNamed(kindParam);
    if (kind === undefined)
      return `not a workload kind Headwind manages: ${JSON.stringify(kindParam)} (${targetKindList})`;
    return { kind, ...params };
  };
  const workloadAccess =
    (verb: string) =>
    (c: Context<Env>): AccessCheck | string => {
      const target = workloadTarget(c);
      if (typeof target === "string") return target;
      const apiGroup = target.kind.apiVersion.split("/")[0] ?? "";
      return {
        verb,
        group: apiGroup,
        resource: target.kind.resource,
        namespace: target.namespace,
        name: target.name,
      };
    };

  const history = async (c: Context<Env>) => {
    const target = workloadTarget(c);
    if (typeof target === "string") return c.json({ error: target }, 400);
    const live = await gateway.getWorkload(target.kind, target.namespace, target.name);
    if (live === undefined)
      return c.json({ error: `${target.kind.kind} not found: ${target.namespace}/${target.name}` }, 404);
    const container = c.req.query("container");
    const entries = parseHistory(live.metadata.annotations?.[historyAnnotation])
      .filter((entry) => !container || entry.container === container)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
    return c.json({ entries });
  };
  for (const path of ["/api/v1/rollback/:namespace/:name", "/api/v1/rollback/:namespace/:kind/:name"]) {
    app.get(path, guard({ route: "rollback-history", access: workloadAccess("get") }), history);
  }

  const rollback = async (c: Context<Env>) => {
    const target = workloadTarget(c);
    if (typeof target === "string") return c.json({ error: target }, 400);
    const user = c.get("identity").username;
    const { namespace, name } = target;
    const record = (result: string, extra: Record<string, unknown> = {}) =>
      logger.info(
        {
          audit: true,
          action: "rollback",
          resourceType: target.kind.kind,
          user,
          namespace,
          name,
          result,
          ...extra,
        },
        "audit rollback",
      );
    const body = await readRollbackAsk(c);
    if (!body.ok) {
      record("invalid", { error: body.error });
      return c.json({ error: body.error }, body.status);
    }
    try {
      const outcome = await requestRollback(rollbackPorts(deps.asPerson(c.get("token")), target), {
        what: `${target.kind.kind} ${namespace}/${name}`,
        username: user,
        ask: body.value,
        now: deps.clock(),
        approvalTtlSeconds: deps.approvalTtlSeconds,
      });
      if (outcome.result === "created") {
        const { spec } = outcome.ur;
        record("success", {
          updateRequest: outcome.ur.metadata.name,
          to: spec.newImage,
          approval: spec.approval,
        });
        return c.json(outcome.ur, 201);
      }
      record(outcome.result, { error: outcome.error });
      const code = { "not-found": 404, invalid: 422, conflict: 409 } as const;
      return c.json({ error: outcome.error }, code[outcome.result]);
    } catch (error) {
      if (!(error instanceof KubeApiError) || !personErrors.has(error.status)) throw error;
      record(error.status === 403 ? "denied" : "invalid", { error: error.message });
      return c.json({ error: `Kubernetes refused it as ${user}: ${error.message}` }, error.status as 403);
    }
  };
  // The original's route (a Deployment), and one per kind.
  for (const path of ["/api/v1/rollback/:namespace/:name", "/api/v1/rollback/:namespace/:kind/:name"]) {
    app.post(path, guard({ route: "rollback", access: rollbackAccess }), limit, rollback);
  }

  // The description names no secret and no object: anyone may read it.
  app.get("/api/v1/openapi.json", (c) => {
    c.set("route", "openapi");
    return c.json(approvalOpenApi);
  });

  app.get("/health", (c) => c.text("OK"));

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((error, c) => {
    if (error instanceof KubeApiError) {
      const code = gatewayCode(error.status);
      logger.error({ err: error, route: c.get("route") }, "Kubernetes API call failed");
      const why = error.status === 0 ? "did not answer" : `answered ${error.status}`;
      return c.json({ error: `Kubernetes API ${why}: ${error.message}` }, code);
    }
    logger.error({ err: error, route: c.get("route") }, "approval API failed");
    return c.json({ error: "internal error; see the hooks server log" }, 500);
  });
  return app;
}
