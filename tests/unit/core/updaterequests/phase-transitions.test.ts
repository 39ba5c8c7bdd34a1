import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  isLegalTransition,
  isTerminal,
  phaseTransitions,
} from "../../../../src/core/updaterequests/phase-transitions.ts";
import { type Phase, phases } from "../../../../src/core/updaterequests/update-request.ts";

describe("isLegalTransition", () => {
  // columns: from | to | legal
  it.each<[Phase | undefined, Phase | undefined, boolean]>([
    [undefined, "Pending", true],
    [undefined, "Applying", true],
    ["Pending", "Approved", true],
    ["Pending", "Rejected", true],
    ["Pending", "Pending", true],
    ["Approved", "Applying", true],
    ["Approved", "Expired", true],
    ["Applying", "Progressing", true],
    ["Progressing", "RollingBack", true],
    ["RollingBack", "RolledBack", true],
    ["RollingBack", "Failed", true],
    ["Expired", "Approved", false],
    ["Rejected", "Approved", false],
    ["RolledBack", "Approved", false],
    ["Completed", "Progressing", false],
    ["Failed", "Applying", false],
    ["Approved", "Rejected", false],
    ["Pending", "Applying", false],
    ["Progressing", "RolledBack", false],
    ["Pending", undefined, false],
  ])("%s -> %s: %s", (from, to, legal) => {
    expect(isLegalTransition(from, to)).toBe(legal);
  });

  it("lets no terminal phase go anywhere but itself", () => {
    const terminal = phases.filter(isTerminal);
    expect(terminal).toEqual(["Rejected", "Expired", "Superseded", "Completed", "Failed", "RolledBack"]);
    for (const from of terminal)
      for (const to of phases) expect(isLegalTransition(from, to)).toBe(from === to);
  });
});

describe("the CRD's transition rule", () => {
  const crd = parse(readFileSync("manifests/crds/updaterequests.headwind.sh.yaml", "utf8"));
  const rules: { rule: string }[] =
    crd.spec.versions[0].schema.openAPIV3Schema.properties.status["x-kubernetes-validations"];

  it("holds exactly the table the hook checks", () => {
    const rule = rules.find((r) => r.rule.includes("oldSelf.phase"))?.rule ?? "";
    const clauses = [...rule.matchAll(/oldSelf\.phase == '(\w+)' && self\.phase in (\[[^\]]*\])/g)];
    const table = Object.fromEntries(
      clauses.map(([, from, to]) => [from, JSON.parse(to?.replaceAll("'", '"') ?? "")]),
    );
    expect(table).toEqual(phaseTransitions);
  });
});
