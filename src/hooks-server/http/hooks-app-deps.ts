/** What the hooks app is given: everything with a side effect or a clock comes in from outside. */

import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { TagReader } from "../../core/policy/read-repository-tags.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { HookAuth } from "../config/hook-auth-config.ts";
import type { HookSettings } from "../config/hook-settings.ts";
import type { EffectExecutor } from "../effects/effect.ts";
import type { KubeGateway } from "../effects/kube-gateway.ts";
import type { HookMetrics } from "./create-hook-metrics.ts";

export interface HooksAppDeps {
  readonly logger: Logger;
  readonly metrics: HookMetrics;
  /** Who may call the hooks: Metacontroller, with the credential from the Secret, or (tests) anyone. */
  readonly hookAuth: HookAuth;
  readonly execute: EffectExecutor;
  /** Live reads and status writes of the UpdateRequests hook. */
  readonly gateway: KubeGateway;
  readonly clock: Clock;
  readonly settings: HookSettings;
  readonly tracer: Tracer;
  /** Reads related tag ConfigMaps; main.ts passes a bounded cache (workloads/create-tag-cache.ts). */
  readonly readTags?: TagReader;
  /** Metacontroller sends every related object in one body; 16 MiB leaves room for big workloads. */
  readonly maxBodyBytes?: number;
}
