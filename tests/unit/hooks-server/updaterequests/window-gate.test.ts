import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { parseUpdateWindows, type UpdateWindow } from "../../../../src/core/windows/parse-update-windows.ts";
import { heldRecheckSeconds, windowGate } from "../../../../src/hooks-server/updaterequests/window-gate.ts";
import { aDeployment } from "../../../helpers/update-requests.ts";

// A Wednesday, 13:00 in Berlin.
const now = Date.parse("2026-11-25T12:00:00.000Z");

function windows(text: string): UpdateWindow[] {
  const parsed = parseUpdateWindows(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function annotated(value: string | undefined): KubeObject {
  const target = aDeployment("nginx:1.25.3");
  return value === undefined
    ? target
    : { ...target, metadata: { ...target.metadata, annotations: { "headwind.sh/update-window": value } } };
}

describe("windowGate", () => {
  it("no window anywhere: open", () => {
    expect(windowGate(annotated(undefined), [], now)).toEqual({ open: true });
  });

  it("the target's window: closed until it opens, waking up then", () => {
    expect(windowGate(annotated("Mon-Fri 02:00-04:00 Europe/Berlin"), [], now)).toEqual({
      open: false,
      waitingUntil: "2026-11-26T01:00:00.000Z",
      message:
        "approved; waiting for the update window (Mon-Fri 02:00-04:00 Europe/Berlin) until 2026-11-26T01:00:00.000Z",
      resyncAfterSeconds: 46_800,
    });
  });

  it("the cluster-wide default applies to targets without their own", () => {
    expect(
      windowGate(annotated(undefined), windows("Sat,Sun 00:00-24:00; Mon 01:00-02:00"), now),
    ).toMatchObject({
      open: false,
      waitingUntil: "2026-11-28T00:00:00.000Z",
      message: expect.stringContaining("(Sat,Sun 00:00-24:00; Mon 01:00-02:00)"),
    });
  });

  it("a target's own window (or `always`) overrides the default", () => {
    const closedDefault = windows("Sun 00:00-01:00");
    expect(windowGate(annotated("12:00-13:00"), closedDefault, now)).toEqual({ open: true });
    expect(windowGate(annotated("always"), closedDefault, now)).toEqual({ open: true });
    expect(windowGate(annotated("  "), closedDefault, now)).toMatchObject({ open: false });
  });

  it("an invalid window holds the update instead of ignoring the owner's wish", () => {
    expect(windowGate(annotated("weekdays at night"), [], now)).toEqual({
      open: false,
      message:
        'approved; held: invalid headwind.sh/update-window "weekdays at night": "weekdays at night" has no time range such as 02:00-04:00',
      resyncAfterSeconds: heldRecheckSeconds,
    });
  });

  it("wakes up no earlier than a second from now", () => {
    const gate = windowGate(annotated("12:00-13:00"), [], Date.parse("2026-11-25T11:59:59.600Z"));
    expect(gate).toMatchObject({ open: false, resyncAfterSeconds: 1 });
  });
});
