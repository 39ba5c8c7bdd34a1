/**
 * Who is at the dashboard, and proof that a form came from it. A person signs in with a
 * Kubernetes bearer token (kept in an HttpOnly, SameSite=Strict cookie: it is their credential,
 * never Headwind's), or a trusted authenticating proxy (oauth2-proxy) hands their token over in a
 * header on every request. Either way the apiserver says whose token it is (TokenReview) and every
 * action is made with that token. Forms carry a CSRF token that must match a cookie of its own
 * (double submit), on top of the same-origin check.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { DashboardAuthConfig } from "../config/dashboard-settings.ts";

export type { DashboardAuthConfig };

export const sessionCookie = "hw_session";
export const csrfCookie = "hw_csrf";
/** Kubernetes tokens are JWTs of a few KiB; anything larger is not one. */
const maxTokenLength = 16 * 1024;

export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

function plausible(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const trimmed = token.trim();
  return trimmed !== "" && trimmed.length <= maxTokenLength && /^[\x21-\x7e]+$/.test(trimmed)
    ? trimmed
    : undefined;
}

/** The person's token: from the trusted proxy's header, else from their sign-in cookie. */
export function tokenOf(
  c: Context,
  config: DashboardAuthConfig,
  proxies: BlockList,
  remote: string | undefined,
) {
  const fromProxy = c.req.header(config.proxyTokenHeader);
  if (fromProxy !== undefined && remote !== undefined) {
    const type = isIP(remote) === 6 ? "ipv6" : "ipv4";
    if (proxies.check(remote, type)) return plausible(fromProxy.replace(/^Bearer\s+/i, ""));
  }
  return plausible(getCookie(c, sessionCookie));
}

export function setSession(c: Context, config: DashboardAuthConfig, token: string): void {
  setCookie(c, sessionCookie, token, {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: "Strict",
    path: "/",
    maxAge: config.sessionSeconds,
  });
}

export function clearSession(c: Context, config: DashboardAuthConfig): void {
  setCookie(c, sessionCookie, "", {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: "Strict",
    path: "/",
    maxAge: 0,
  });
}

/** The form token of this browser, set on first sight. */
export function csrfToken(c: Context, config: DashboardAuthConfig): string {
  const existing = getCookie(c, csrfCookie);
  if (existing && /^[0-9a-f]{64}$/.test(existing)) return existing;
  const token = randomBytes(32).toString("hex");
  setCookie(c, csrfCookie, token, {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: "Strict",
    path: "/",
  });
  return token;
}

export function csrfMatches(c: Context, submitted: unknown): boolean {
  const cookie = getCookie(c, csrfCookie);
  if (typeof submitted !== "string" || cookie === undefined || submitted.length !== cookie.length)
    return false;
  return timingSafeEqual(Buffer.from(submitted), Buffer.from(cookie));
}
