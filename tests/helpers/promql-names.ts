// The metric names a PromQL expression selects, read with the Prometheus project's own PromQL
// grammar (@prometheus-io/lezer-promql), and the queries of the dashboard and the alert rules.
import { readFileSync } from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";
import { parse } from "yaml";

/** Grafana's variables, replaced by what PromQL accepts, so a dashboard query parses as Prometheus gets it. */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "5m")
    .replaceAll("$__interval", "1m")
    .replaceAll("$__range", "1h")
    .replace(/\$\{?\w+\}?/g, ".*");
}

export interface ParsedQuery {
  /** Metric names of every vector selector, in order. */
  readonly names: string[];
  /** Where the grammar found a syntax error, as offsets; empty for a valid expression. */
  readonly errors: number[];
}

export function parseQuery(expr: string): ParsedQuery {
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector")
        names.push(expr.slice(node.from, node.to));
    },
  });
  return { names, errors };
}

export interface Query {
  /** Where it is: the panel title or the alert name. */
  readonly where: string;
  readonly expr: string;
}

interface Dashboard {
  panels: { title: string; type: string; targets?: { expr: string }[] }[];
}

export const dashboardFile = new URL("../../deploy/grafana/headwind.json", import.meta.url);
export const rulesFile = new URL("../../deploy/prometheus/headwind-rules.yaml", import.meta.url);

export function dashboardQueries(): Query[] {
  const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8")) as Dashboard;
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: panel.title,
      expr: withoutGrafanaVariables(target.expr),
    })),
  );
}

export function ruleQueries(): Query[] {
  const file = parse(readFileSync(rulesFile, "utf8")) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return file.groups.flatMap((group) => group.rules.map((rule) => ({ where: rule.alert, expr: rule.expr })));
}
