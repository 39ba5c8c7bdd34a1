/**
 * A loopback stand-in for Entra ID's token endpoint, over https as MSAL requires (a self-signed
 * certificate for 127.0.0.1, trusted through the credential's `tlsOptions`): the tenant's OpenID
 * configuration, and `oauth2/v2.0/token` for the client-credentials grant with a federated client
 * assertion — accepted only for the expected client and exactly the projected token file's
 * content, as Azure Workload Identity sends it. Point @azure/identity at it with AZURE_AUTHORITY_HOST.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { tokenFile } from "./cloud-env.ts";
import { createSelfSignedCert } from "./registry-self-signed-cert.ts";

export interface EntraOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /** The projected service-account token, exactly as the file holds it. */
  readonly federatedToken: string;
}

export interface Entra {
  /** `https://127.0.0.1:<port>`, for AZURE_AUTHORITY_HOST. */
  readonly authorityHost: string;
  /** PEM of the certificate to trust. */
  readonly ca: string;
  /** Token requests, in order: `token 200 <scope>`, `token 401 <scope>`, … */
  readonly calls: string[];
  /** True for an access token issued here (real time: MSAL caches by the real clock). */
  issued(token: string): boolean;
  stop(): Promise<void>;
}

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export async function startEntra(options: EntraOptions): Promise<Entra> {
  const cert = createSelfSignedCert("entra-stand-in", new Date(), ["127.0.0.1"]);
  const calls: string[] = [];
  const tokens = new Map<string, number>();
  let origin = "";
  const tenantPath = `/${options.tenantId}`;
  const app = new Hono()
    .get(`${tenantPath}/v2.0/.well-known/openid-configuration`, (c) =>
      c.json({
        issuer: `${origin}${tenantPath}/v2.0`,
        token_endpoint: `${origin}${tenantPath}/oauth2/v2.0/token`,
        authorization_endpoint: `${origin}${tenantPath}/oauth2/v2.0/authorize`,
        jwks_uri: `${origin}${tenantPath}/discovery/v2.0/keys`,
        end_session_endpoint: `${origin}${tenantPath}/oauth2/v2.0/logout`,
        response_types_supported: ["code", "id_token", "token"],
      }),
    )
    .post(`${tenantPath}/oauth2/v2.0/token`, async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const scope = form.get("scope") ?? "";
      const valid =
        form.get("grant_type") === "client_credentials" &&
        form.get("client_id") === options.clientId &&
        form.get("client_assertion_type") === assertionType &&
        form.get("client_assertion") === options.federatedToken;
      if (!valid) {
        calls.push(`token 401 ${scope}`);
        return c.json(
          {
            error: "invalid_client",
            error_description:
              "AADSTS700213: No matching federated identity record found for presented assertion.",
          },
          401,
        );
      }
      const token = randomBytes(32).toString("base64url");
      tokens.set(token, Date.now() + 3_600_000);
      calls.push(`token 200 ${scope}`);
      return c.json({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
    });
  const key = cert.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const server = createServer({ key, cert: cert.pem }, getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorityHost: origin,
    ca: cert.pem,
    calls,
    issued: (token) => Date.now() < (tokens.get(token) ?? Number.NEGATIVE_INFINITY),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the AKS Workload Identity webhook injects, with the authority host pointed at the stand-in. */
export function workloadIdentityEnvironment(entra: Entra, dir: string, options: EntraOptions) {
  return {
    AZURE_CLIENT_ID: options.clientId,
    AZURE_TENANT_ID: options.tenantId,
    AZURE_FEDERATED_TOKEN_FILE: tokenFile(dir, "azure-identity-token", options.federatedToken),
    AZURE_AUTHORITY_HOST: entra.authorityHost,
  };
}
