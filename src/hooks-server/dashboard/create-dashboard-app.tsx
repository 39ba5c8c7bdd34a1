/**
 * The dashboard (port 8082): pending approvals, history, approve/reject/bulk approve, live updates,
 * rollback from a workload's history. Every read and every action is made with the signed-in
 * person's own Kubernetes token — never as Headwind — so the apiserver authorizes, admits and
 * audits each one as that person, and the admission rule that approvedBy is the user who wrote it
 * holds without exception. Headwind's own account only asks the apiserver who the person is
 * (TokenReview) and what they may do (SubjectAccessReview), to show the right controls and to
 * refuse clearly before acting.
 */

import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import type { Logger } from "pino";
import type { Clock } from "../../core/time/clock.ts";
import type { ApprovalAction } from "../../core/updaterequests/decide-approval.ts";
import { requestRollback } from "../../core/updaterequests/request-rollback.ts";
import { parseHistory } from "../../core/updaterequests/update-history.ts";
import { type UpdateRequest, urApiVersion } from "../../core/updaterequests/update-request.ts";
import { targetKindNamed } from "../../core/workloads/workload-kinds.ts";
import type { Identity } from "../../kube/access-reviews.ts";
import { resourcePath } from "../../kube/api-paths.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import type { KubeWatch } from "../../kube/create-kube-watch.ts";
import { KubeApiError, kubeStatus } from "../../kube/kube-api-error.ts";
import type { ApprovalGateway } from "../approval-api/approval-gateway.ts";
import { createApprovalGateway } from "../approval-api/create-approval-gateway.ts";
import { optionalText } from "../approval-api/parse-approval-body.ts";
import { rollbackPorts } from "../approval-api/rollback-ports.ts";
import { writeDecision } from "../approval-api/write-decision.ts";
import {
  clearSession,
  csrfMatches,
  csrfToken,
  type DashboardAuthConfig,
  setSession,
  tokenOf,
  trustedProxyList,
} from "./dashboard-auth.ts";
import { filterQuery, type RequestFilter, readFilter, splitRequests } from "./filter-requests.ts";
import { liveRequests } from "./live-requests.ts";
import { LoginPage, RefusalPage } from "./login-page.tsx";
import { RequestsPage } from "./requests-page.tsx";
import { RequestsView } from "./requests-view.tsx";
import { loadStaticAssets } from "./static-assets.ts";
import { WorkloadPage } from "./workload-page.tsx";

export interface DashboardDeps {
  /** Headwind's own account: TokenReview and SubjectAccessReview only. */
  readonly gateway: ApprovalGateway;
  readonly asPerson: (token: string) => KubeTransport;
  readonly watchAsPerson: (token: string) => KubeWatch;
  readonly auth: DashboardAuthConfig;
  /** The address the request came from (the proxy's, behind one). */
  readonly remoteAddress: (c: Context) => string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly approvalTtlSeconds: number;
  /** Live views open at once; each holds a watch on the apiserver. */
  readonly maxStreams?: number;
  /** A live view ends after this long; the browser reconnects (a fresh token check). */
  readonly streamSeconds?: number;
}

type Env = { Variables: { identity: Identity; token: string; csrf: string } };

const done: Readonly<Record<string, string>> = {
  approved: "Approved. Headwind applies it now.",
  rejected: "Rejected.",
  rollback: "Rollback requested.",
};
const objectKey = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/;
const maxBulk = 100;

export function createDashboardApp(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { gateway, logger, auth } = deps;
  const proxies = trustedProxyList(auth.trustedProxies);
  const assets = loadStaticAssets();
  let streams = 0;

  const audit = (c: Context<Env>, action: string, fields: Record<string, unknown>) =>
    logger.info(
      { audit: true, via: "dashboard", action, user: c.get("identity").username, ...fields },
      `audit ${action}`,
    );

  const refuse = (c: Context<Env>, status: 403 | 404 | 409 | 422 | 400, message: string) => {
    c.status(status);
    return c.html(<RefusalPage user={c.get("identity").username} csrf={c.get("csrf")} message={message} />);
  };

  /** What a person's own call was refused with, as they should read it. */
  const refusal = (c: Context<Env>, error: unknown) => {
    const status = kubeStatus(error);
    if (
      !(error instanceof KubeApiError) ||
      status === undefined ||
      ![400, 403, 404, 409, 422].includes(status)
    )
      throw error;
    return refuse(
      c,
      status as 403,
      `Kubernetes refused it as ${c.get("identity").username}: ${error.message}`,
    );
  };

  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text("request body too large", 413) }));
  app.use(csrf());
  app.use(async (c, next) => {
    c.set("csrf", csrfToken(c, auth));
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    c.header("Cache-Control", "no-store");
    await next();
  });

  app.get("/static/:file", (c) => {
    const asset = assets.get(c.req.param("file"));
    if (asset === undefined) return c.notFound();
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(asset.body, 200, { "Content-Type": asset.type });
  });
  app.get("/healthz", (c) => c.text("OK"));

  /** Reads a form; undefined (and the answer is a 403) when its CSRF token does not match. */
  const form = async (c: Context<Env>) => {
    const body = await c.req.parseBody({ all: true });
    return csrfMatches(c, body._csrf) ? body : undefined;
  };

  app.get("/login", (c) => c.html(<LoginPage csrf={c.get("csrf")} />));
  app.post("/login", async (c) => {
    const body = await form(c);
    if (body === undefined) return c.text("form expired: reload the page", 403);
    const token = typeof body.token === "string" ? body.token.trim() : "";
    const identity = token === "" ? undefined : await gateway.authenticate(token);
    if (identity === undefined) {
      logger.warn("dashboard sign-in with a token Kubernetes does not accept");
      c.status(401);
      return c.html(<LoginPage csrf={c.get("csrf")} error="Kubernetes does not accept this token." />);
    }
    setSession(c, auth, token);
    logger.info(
      { audit: true, via: "dashboard", action: "sign-in", user: identity.username },
      "audit sign-in",
    );
    return c.redirect("/", 303);
  });
  app.post("/logout", async (c) => {
    if ((await form(c)) === undefined) return c.text("form expired: reload the page", 403);
    clearSession(c, auth);
    return c.redirect("/login", 303);
  });

  // Everything below needs a person.
  app.use(async (c, next) => {
    const token = tokenOf(c, auth, proxies, deps.remoteAddress(c));
    const identity = token === undefined ? undefined : await gateway.authenticate(token);
    if (token === undefined || identity === undefined) {
      if (c.req.method === "GET" && c.req.path !== "/events") return c.redirect("/login", 303);
      return c.text("sign in first", 401);
    }
    c.set("identity", identity);
    c.set("token", token);
    await next();
  });

  const mayDecide = async (identity: Identity, namespaces: Iterable<string>) => {
    const allowed = new Set<string>();
    for (const namespace of new Set(namespaces)) {
      const check = {
        verb: "patch",
        group: "headwind.sh",
        resource: "updaterequests",
        subresource: "status",
        namespace,
      };
      if ((await gateway.authorize(identity, check)).allowed) allowed.add(namespace);
    }
    return allowed;
  };

  const view = async (c: Context<Env>, urs: readonly UpdateRequest[], filter: RequestFilter) => {
    const { pending, history } = splitRequests(urs, filter);
    const canDecide = await mayDecide(
      c.get("identity"),
      pending.map((ur) => ur.metadata.namespace ?? ""),
    );
    return { pending, history, canDecide, csrf: c.get("csrf"), now: deps.clock(), back: filterQuery(filter) };
  };

  app.get("/", async (c) => {
    const filter = readFilter((name) => c.req.query(name));
    let urs: UpdateRequest[] = [];
    let listError: string | undefined;
    try {
      urs = await createApprovalGateway(deps.asPerson(c.get("token"))).listUpdateRequests(
        filter.namespace || undefined,
      );
    } catch (error) {
      if (kubeStatus(error) !== 403) throw error;
      const where = filter.namespace
        ? `in namespace ${filter.namespace}`
        : "in all namespaces; choose a namespace";
      listError = `${c.get("identity").username} may not list updaterequests ${where}.`;
    }
    const notice = done[c.req.query("done") ?? ""];
    return c.html(
      <RequestsPage
        {...(await view(c, urs, filter))}
        user={c.get("identity").username}
        filter={filter}
        notice={notice}
        listError={listError}
      />,
    );
  });

  app.get("/events", (c) => {
    if (streams >= (deps.maxStreams ?? 100)) return c.text("too many live views open; reload later", 503);
    const filter = readFilter((name) => c.req.query(name));
    const token = c.get("token");
    streams += 1;
    return streamSSE(c, async (stream) => {
      const ended = new AbortController();
      stream.onAbort(() => ended.abort());
      const limit = setTimeout(() => ended.abort(), (deps.streamSeconds ?? 1800) * 1000);
      try {
        await liveRequests({
          transport: deps.asPerson(token),
          watch: deps.watchAsPerson(token),
          path: resourcePath({
            apiVersion: urApiVersion,
            resource: "updaterequests",
            namespace: filter.namespace || undefined,
          }),
          signal: ended.signal,
          onChange: async (urs) => {
            const html = (<RequestsView {...(await view(c, urs, filter))} />).toString();
            await stream.writeSSE({ event: "requests", data: await html });
          },
        });
      } finally {
        clearTimeout(limit);
        streams -= 1;
      }
    });
  });

  const targetsOf = (value: unknown): { namespace: string; name: string }[] | string => {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
    if (values.length === 0) return "select at least one request";
    if (values.length > maxBulk) return `at most ${maxBulk} requests at once`;
    const parsed = values.map((v) => objectKey.exec(v));
    if (parsed.some((m) => m === null)) return "not a request name";
    return parsed.map((m) => ({ namespace: m?.[1] ?? "", name: m?.[3] ?? "" }));
  };

  /** Why the person may not decide all these requests (a SubjectAccessReview per namespace), if so. */
  const deniedNamespaces = async (
    c: Context<Env>,
    action: ApprovalAction,
    targets: readonly { namespace: string }[],
  ): Promise<string | undefined> => {
    const identity = c.get("identity");
    const namespaces = [...new Set(targets.map((t) => t.namespace))];
    const allowed = await mayDecide(identity, namespaces);
    const refused = namespaces.filter((ns) => !allowed.has(ns));
    if (refused.length === 0) return undefined;
    audit(c, action, { result: "denied", namespaces: refused });
    return `${identity.username} may not ${action} update requests in ${refused.join(", ")}: that needs patch on updaterequests/status there.`;
  };

  /** Writes the decision on each request as the person; what could not be decided, and why. */
  const decideEach = async (
    c: Context<Env>,
    action: ApprovalAction,
    targets: readonly { namespace: string; name: string }[],
    reason: string | undefined,
  ): Promise<string[]> => {
    const asPerson = createApprovalGateway(deps.asPerson(c.get("token")));
    const verdict = { by: c.get("identity").username, ...(reason ? { reason } : {}) };
    const problems: string[] = [];
    for (const { namespace, name } of targets) {
      try {
        const request = { namespace, name, action, verdict, asPerson: true };
        const outcome = await writeDecision(asPerson, deps.clock, request);
        audit(c, action, { namespace, name, result: outcome.result });
        if (outcome.result === "conflict") problems.push(`${namespace}/${name}: ${outcome.error}`);
        if (outcome.result === "not-found") problems.push(`${namespace}/${name}: not found`);
      } catch (error) {
        audit(c, action, { namespace, name, result: "error", error: (error as Error).message });
        throw error;
      }
    }
    return problems;
  };

  /** The requests a decision form names, its reason and where to go back to; or the refusal. */
  const decisionForm = async (c: Context<Env>) => {
    const body = await form(c);
    if (body === undefined) return refuse(c, 403, "This form has expired. Reload the page and try again.");
    const targets = targetsOf(body.ur);
    if (typeof targets === "string") return refuse(c, 400, targets);
    const reason = optionalText(body.reason, "reason", 1024);
    if (!reason.ok) return refuse(c, 400, reason.error);
    // Back to the filter the person was looking at (re-read, so nothing but a filter comes back).
    const back = new URLSearchParams(typeof body.back === "string" ? body.back : "");
    return {
      targets,
      reason: reason.value,
      back: filterQuery(readFilter((name) => back.get(name) ?? undefined)),
    };
  };

  const decide = (action: ApprovalAction) => async (c: Context<Env>) => {
    const read = await decisionForm(c);
    if (read instanceof Response) return read;
    const { targets } = read;
    const denied = await deniedNamespaces(c, action, targets);
    if (denied !== undefined) return refuse(c, 403, denied);
    let problems: string[];
    try {
      problems = await decideEach(c, action, targets, read.reason);
    } catch (error) {
      return refusal(c, error);
    }
    if (problems.length > 0) return refuse(c, 409, problems.join("; "));
    return c.redirect(`/?done=${action === "approve" ? "approved" : "rejected"}&${read.back}`, 303);
  };
  app.post("/approve", decide("approve"));
  app.post("/reject", decide("reject"));

  const workloadTarget = (c: Context<Env>) => {
    const { namespace = "", kind: kindText = "", name = "" } = c.req.param();
    const kind = targetKindNamed(kindText);
    const key = objectKey.exec(`${namespace}/${name}`);
    return kind === undefined || key === null ? undefined : { kind, namespace, name };
  };

  app.get("/workloads/:namespace/:kind/:name", async (c) => {
    const target = workloadTarget(c);
    if (target === undefined) return refuse(c, 404, "No such workload.");
    try {
      const workload = await createApprovalGateway(deps.asPerson(c.get("token"))).getWorkload(
        target.kind,
        target.namespace,
        target.name,
      );
      if (workload === undefined)
        return refuse(c, 404, `${target.kind.kind} ${target.namespace}/${target.name} not found.`);
      const history = parseHistory(workload.metadata.annotations?.["headwind.sh/update-history"]);
      return c.html(
        <WorkloadPage
          user={c.get("identity").username}
          csrf={c.get("csrf")}
          workload={workload}
          kind={target.kind.kind.toLowerCase()}
          history={history}
        />,
      );
    } catch (error) {
      return refusal(c, error);
    }
  });

  app.post("/rollback/:namespace/:kind/:name", async (c) => {
    const body = await form(c);
    if (body === undefined) return refuse(c, 403, "This form has expired. Reload the page and try again.");
    const target = workloadTarget(c);
    if (target === undefined) return refuse(c, 404, "No such workload.");
    const container = optionalText(body.container, "container", 253);
    const to = optionalText(body.to, "to", 4096);
    if (!container.ok || !to.ok) return refuse(c, 400, "container and to must be short text");
    try {
      const outcome = await requestRollback(rollbackPorts(deps.asPerson(c.get("token")), target), {
        what: `${target.kind.kind} ${target.namespace}/${target.name}`,
        username: c.get("identity").username,
        ask: { container: container.value, to: to.value },
        now: deps.clock(),
        approvalTtlSeconds: deps.approvalTtlSeconds,
      });
      audit(c, "rollback", { namespace: target.namespace, name: target.name, result: outcome.result });
      if (outcome.result !== "created") {
        const status = { "not-found": 404, invalid: 422, conflict: 409 } as const;
        return refuse(c, status[outcome.result], outcome.error);
      }
      return c.redirect(`/?done=rollback&namespace=${encodeURIComponent(target.namespace)}`, 303);
    } catch (error) {
      return refusal(c, error);
    }
  });

  app.onError((error, c) => {
    // The same-origin check's refusal is an answer, not a failure.
    if (error instanceof HTTPException) return error.getResponse();
    logger.error({ err: error }, "dashboard failed");
    const unreachable = error instanceof KubeApiError && (error.status === 0 || error.status >= 500);
    return c.text(
      unreachable
        ? `Kubernetes API unavailable: ${error.message}`
        : "internal error; see the hooks server log",
      unreachable ? 503 : 500,
    );
  });
  return app;
}
