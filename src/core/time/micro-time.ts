/**
 * Kubernetes MicroTime (Event `eventTime`, Lease `acquireTime`/`renewTime`): the apiserver parses
 * exactly six fractional digits and answers 400 to the three a Date serialises to.
 */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
