import { describe, expect, it } from "vitest";
import { parseWorkloadArgument } from "../../../src/plugin/workload-argument.ts";

describe("parseWorkloadArgument", () => {
  it.each([
    [["deployment/web"], "Deployment"],
    [["deploy/web"], "Deployment"],
    [["statefulsets", "web"], "StatefulSet"],
    [["ds/web"], "DaemonSet"],
    [["CronJob/web"], "CronJob"],
  ])("%j names a %s", (args, kind) => {
    expect(parseWorkloadArgument(args)).toMatchObject({ kind: { kind }, name: "web" });
  });

  it.each([[[]], [["pod/web"]], [["deployment"]]])("%j is a usage error", (args) => {
    expect(() => parseWorkloadArgument(args)).toThrow(/name a workload as KIND\/NAME/);
  });
});
