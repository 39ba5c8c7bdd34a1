/**
 * Label selectors as Metacontroller evaluates them (metav1.LabelSelector semantics): matchLabels
 * plus matchExpressions with In, NotIn, Exists, DoesNotExist. A DecoratorController's
 * `annotationSelector` is the same shape (matchAnnotations instead of matchLabels) evaluated
 * against metadata.annotations (metacontroller.md §1.2). Pure.
 */

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}

export interface AnnotationSelector {
  matchAnnotations?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}

const operators = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/** Throws for a selector the apiserver would refuse (unknown operator, values where none belong). */
export function checkSelector(selector: LabelSelector | AnnotationSelector | undefined): void {
  for (const req of selector?.matchExpressions ?? []) {
    if (!operators.has(req.operator))
      throw new Error(`invalid selector operator ${JSON.stringify(req.operator)}`);
    const values = req.values ?? [];
    if ((req.operator === "In" || req.operator === "NotIn") && values.length === 0)
      throw new Error(`selector operator ${req.operator} on ${req.key} needs values`);
    if ((req.operator === "Exists" || req.operator === "DoesNotExist") && values.length > 0)
      throw new Error(`selector operator ${req.operator} on ${req.key} takes no values`);
  }
}

function requirementMatches(req: SelectorRequirement, set: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(set, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return has && values.includes(set[req.key] ?? "");
    case "NotIn":
      // Kubernetes: NotIn also matches objects that do not carry the key at all.
      return !has || !values.includes(set[req.key] ?? "");
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return false;
  }
}

function matches(
  exact: Readonly<Record<string, string>> | undefined,
  expressions: readonly SelectorRequirement[] | undefined,
  set: Readonly<Record<string, string>> | undefined,
): boolean {
  const actual = set ?? {};
  for (const [key, value] of Object.entries(exact ?? {})) if (actual[key] !== value) return false;
  return (expressions ?? []).every((req) => requirementMatches(req, actual));
}

/** An absent selector matches everything; `{}` too. */
export function labelSelectorMatches(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  checkSelector(selector);
  return matches(selector?.matchLabels, selector?.matchExpressions, labels);
}

export function annotationSelectorMatches(
  selector: AnnotationSelector | undefined,
  annotations: Readonly<Record<string, string>> | undefined,
): boolean {
  checkSelector(selector);
  return matches(selector?.matchAnnotations, selector?.matchExpressions, annotations);
}

/** The `labelSelector=` query string the apiserver understands, e.g. `app=web,tier in (a,b),!legacy`. */
export function selectorQuery(selector: LabelSelector | undefined): string {
  checkSelector(selector);
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector?.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(",");
    if (req.operator === "In") parts.push(`${req.key} in (${values})`);
    else if (req.operator === "NotIn") parts.push(`${req.key} notin (${values})`);
    else if (req.operator === "Exists") parts.push(req.key);
    else parts.push(`!${req.key}`);
  }
  return parts.join(",");
}
