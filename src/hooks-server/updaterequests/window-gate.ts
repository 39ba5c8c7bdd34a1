/**
 * Whether an approved update may be applied now: the target's `headwind.sh/update-window`, else
 * the cluster-wide default (HEADWIND_UPDATE_WINDOW). Read from the live target Metacontroller
 * relates, so editing the annotation re-syncs a waiting request at once. An invalid annotation
 * holds the update (failing open would apply it at a time its owner ruled out).
 */

import type { KubeObject } from "../../core/kube-object.ts";
import { annotations as names } from "../../core/metadata-keys.ts";
import { parseUpdateWindows, type UpdateWindow } from "../../core/windows/parse-update-windows.ts";
import { windowState } from "../../core/windows/window-state.ts";

export type WindowGate =
  | { readonly open: true }
  | {
      readonly open: false;
      /** When it opens; absent while an invalid annotation holds it. */
      readonly waitingUntil?: string;
      readonly message: string;
      readonly resyncAfterSeconds: number;
    };

/** How often a request held by an invalid annotation looks again (an edit re-syncs it sooner). */
export const heldRecheckSeconds = 3600;

export function windowGate(
  target: KubeObject | undefined,
  defaults: readonly UpdateWindow[],
  now: number,
): WindowGate {
  const written = target?.metadata.annotations?.[names.updateWindow];
  let windows = defaults;
  let text = defaults.map((window) => window.text).join("; ");
  if (written !== undefined && written.trim() !== "") {
    const parsed = parseUpdateWindows(written);
    if (!parsed.ok) {
      return {
        open: false,
        message: `approved; held: invalid ${names.updateWindow} ${JSON.stringify(written.slice(0, 200))}: ${parsed.error}`,
        resyncAfterSeconds: heldRecheckSeconds,
      };
    }
    windows = parsed.value;
    text = written.trim();
  }
  const state = windowState(windows, now);
  if (state.open) return { open: true };
  const waitingUntil = new Date(state.opensAt).toISOString();
  return {
    open: false,
    waitingUntil,
    message: `approved; waiting for the update window (${text}) until ${waitingUntil}`,
    resyncAfterSeconds: Math.max(1, Math.ceil((state.opensAt - now) / 1000)),
  };
}
