/**
 * `application/json` and any `application/*+json` (distribution's
 * `application/vnd.docker.distribution.events.v1+json`/`v2+json`, CloudEvents), parameters ignored.
 */
export function isJsonContentType(value: string | null | undefined): boolean {
  const type = value?.split(";")[0]?.trim().toLowerCase();
  return (
    type === "application/json" || (type !== undefined && /^application\/[a-z0-9.+-]+\+json$/.test(type))
  );
}
