/**
 * Builds the hooks app for in-process tests: a fixed clock, a recording executor, an in-memory
 * gateway, a log sink, and hook authentication on with a known credential that `post` sends.
 */
import { Writable } from "node:stream";
import { trace } from "@opentelemetry/api";
import pino from "pino";
import { Registry } from "prom-client";
import type { HookAuth } from "../../src/hooks-server/config/hook-auth-config.ts";
import { defaultHookSettings, type HookSettings } from "../../src/hooks-server/config/hook-settings.ts";
import type { Effect, EffectExecutor, EffectOutcome } from "../../src/hooks-server/effects/effect.ts";
import type { KubeGateway } from "../../src/hooks-server/effects/kube-gateway.ts";
import { createHookMetrics } from "../../src/hooks-server/http/create-hook-metrics.ts";
import { createHooksApp } from "../../src/hooks-server/http/create-hooks-app.ts";
import { createTagCache } from "../../src/hooks-server/workloads/create-tag-cache.ts";
import { fakeKubeGateway } from "./fake-kube-gateway.ts";

export const fixedNow = Date.parse("2026-11-25T12:00:00.000Z");
/** The credential Metacontroller would send in these tests. */
export const hookToken = "test-hook-token-0123456789abcdef0123456789";

/** Records every effect; patches succeed with generation 4 unless a test answers otherwise. */
export function recordingExecutor(
  answer?: (effect: Effect) => EffectOutcome,
): EffectExecutor & { effects: Effect[] } {
  const effects: Effect[] = [];
  const run = async (batch: readonly Effect[]) => {
    effects.push(...batch);
    return batch.map(
      (effect) => answer?.(effect) ?? { key: effect.key, result: "applied" as const, generation: 4 },
    );
  };
  return Object.assign(run, { effects });
}

export function logSink(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

export interface HooksAppOptions {
  readonly execute?: EffectExecutor;
  readonly gateway?: KubeGateway;
  readonly hookAuth?: HookAuth;
  readonly now?: number;
  readonly maxBodyBytes?: number;
  readonly settings?: Partial<HookSettings>;
}

export function hooksApp(options: HooksAppOptions = {}) {
  const registry = new Registry();
  const { logger, lines } = logSink();
  const execute = options.execute ?? recordingExecutor();
  const gateway = options.gateway ?? fakeKubeGateway();
  const app = createHooksApp({
    logger,
    metrics: createHookMetrics(registry),
    hookAuth: options.hookAuth ?? { mode: "bearer", tokens: [hookToken] },
    execute,
    gateway,
    clock: () => options.now ?? fixedNow,
    settings: { ...defaultHookSettings, ...options.settings },
    tracer: trace.getTracer("test"),
    readTags: createTagCache(),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${hookToken}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { app, post, registry, lines, execute, gateway };
}
