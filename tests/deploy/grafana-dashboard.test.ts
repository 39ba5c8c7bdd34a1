// The Grafana dashboard is well formed: unique panel ids, every query on the dashboard's data
// source variable, every query valid PromQL (Prometheus' own grammar) naming only Headwind's and
// Node's process metrics. That those metrics really exist is tests/cluster/observability.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dashboardFile,
  dashboardQueries,
  parseQuery,
  withoutGrafanaVariables,
} from "../helpers/promql-names.ts";

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}
/** Grafana's own placeholder syntax, not a JavaScript template. */
const datasourceVariable = ["$", "{datasource}"].join("");
const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8")) as { uid: string; panels: Panel[] };

describe("deploy/grafana/headwind.json", () => {
  it("has a stable uid and unique panel ids, each panel inside the 24-column grid", () => {
    expect(dashboard.uid).toBe("headwind");
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it("queries through the data source variable, never a fixed data source", () => {
    for (const p of dashboard.panels.filter((panel) => panel.type !== "row")) {
      expect(p.datasource?.uid, p.title).toBe(datasourceVariable);
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe(datasourceVariable);
    }
  });

  it("has only valid PromQL, naming Headwind's metrics and the processes' own", () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    for (const { where, expr } of queries) {
      const parsed = parseQuery(expr);
      expect(parsed.errors, `${where}: ${expr}`).toEqual([]);
      expect(parsed.names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of parsed.names) expect(name, where).toMatch(/^(headwind_|process_|nodejs_)/);
    }
  });

  it("the PromQL reading itself catches a broken query and finds every selector", () => {
    expect(parseQuery("sum(rate(headwind_x_total[5m]) by").errors.length).toBeGreaterThan(0);
    expect(
      parseQuery(
        withoutGrafanaVariables('a_total / on() group_left b{job=~"$job"} + rate(c[$__rate_interval])'),
      ),
    ).toEqual({ names: ["a_total", "b", "c"], errors: [] });
  });
});
