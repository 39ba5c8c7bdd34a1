/** How the dashboard recognises people; read from the environment with the rest of the config. */
export interface DashboardAuthConfig {
  /** Cookies only over https: off only for a plain-http loopback test. */
  readonly secureCookies: boolean;
  /** Addresses (or CIDR ranges) of the authenticating proxy; empty: no proxy is trusted. */
  readonly trustedProxies: readonly string[];
  /** The header the proxy puts the person's token in (oauth2-proxy: X-Forwarded-Access-Token). */
  readonly proxyTokenHeader: string;
  /** How long a sign-in lasts (the token may expire sooner; then the apiserver says no). */
  readonly sessionSeconds: number;
}
