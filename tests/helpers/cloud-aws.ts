/**
 * Loopback stand-ins for the AWS side of ECR, speaking the real protocols the SDK uses:
 * - STS `AssumeRoleWithWebIdentity` (query protocol, XML answer), for IRSA: accepts only the
 *   expected role and the exact content of the projected token file;
 * - the container credentials endpoint of EKS Pod Identity (JSON), accepting only its token;
 * - ECR `GetAuthorizationToken` (JSON 1.1 RPC), accepting only requests SigV4-signed with
 *   credentials one of the above issued, and answering `AWS:<password>` that the ECR registry
 *   stand-in then accepts until it expires.
 * Advertised expiries follow the test's clock; credentials presented back are checked against it.
 */
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { verifySigV4 } from "./cloud-aws-sigv4.ts";
import { tokenFile } from "./cloud-env.ts";
import { type LoopbackServer, listenOnLoopback } from "./registry-listen.ts";

export interface AwsStandInOptions {
  readonly roleArn: string;
  /** The projected service-account token, exactly as the file holds it. */
  readonly webIdentityToken: string;
  /** The Pod Identity agent token (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE's content). */
  readonly podIdentityToken: string;
  readonly now: () => number;
  readonly ecrLifetimeMs?: number;
}

export interface AwsStandIn {
  /** AWS_ENDPOINT_URL_STS */
  readonly stsUrl: string;
  /** AWS_ENDPOINT_URL_ECR */
  readonly ecrUrl: string;
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI */
  readonly podIdentityUrl: string;
  /** Every call, in order: `sts 200`, `pod-identity 200`, `ecr us-east-1 200`, … */
  readonly calls: string[];
  /** True for an ECR password this stand-in issued that has not expired. */
  accepts(username: string, password: string): boolean;
  /** Makes ECR refuse (AccessDeniedException) until called with false. */
  refuseEcr(refuse: boolean): void;
  stop(): Promise<void>;
}

const id = (prefix: string) => `${prefix}${randomBytes(8).toString("hex").toUpperCase()}`;

/** Session credentials the stand-in issued: access key id → secret, for checking signatures. */
type Secrets = Map<string, string>;

function issueSessionCredentials(secretOf: Secrets) {
  const accessKeyId = id("ASIA");
  const secretAccessKey = randomBytes(20).toString("base64");
  const sessionToken = randomBytes(32).toString("base64");
  secretOf.set(accessKeyId, secretAccessKey);
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(Date.now() + 3_600_000) };
}

function stsError(code: string, message: string): Response {
  const xml = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${id("")}</RequestId></ErrorResponse>`;
  return new Response(xml, { status: 403, headers: { "content-type": "text/xml" } });
}

function stsApp(options: AwsStandInOptions, calls: string[], secretOf: Secrets) {
  return new Hono().post("/", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const refuse = (code: string, message: string) => {
      calls.push("sts 403");
      return stsError(code, message);
    };
    if (form.get("Action") !== "AssumeRoleWithWebIdentity") return refuse("InvalidAction", "unsupported");
    if (form.get("RoleArn") !== options.roleArn)
      return refuse("AccessDenied", "Not authorized to assume this role");
    if (form.get("WebIdentityToken") !== options.webIdentityToken)
      return refuse("InvalidIdentityToken", "Couldn't verify the web identity token");
    const issued = issueSessionCredentials(secretOf);
    calls.push("sts 200");
    const xml = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey><SessionToken>${issued.sessionToken}</SessionToken><Expiration>${issued.expiration.toISOString()}</Expiration></Credentials><SubjectFromWebIdentityToken>system:serviceaccount:headwind:headwind-sidecar</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>${options.roleArn.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/")}/${form.get("RoleSessionName")}</Arn><AssumedRoleId>AROA:${form.get("RoleSessionName")}</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${id("")}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;
    return new Response(xml, { headers: { "content-type": "text/xml" } });
  });
}

function podIdentityApp(options: AwsStandInOptions, calls: string[], secretOf: Secrets) {
  return new Hono().get("/v1/credentials", (c) => {
    if (c.req.header("authorization") !== options.podIdentityToken) {
      calls.push("pod-identity 401");
      return c.json({ message: "invalid token" }, 401);
    }
    const issued = issueSessionCredentials(secretOf);
    calls.push("pod-identity 200");
    return c.json({
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      Token: issued.sessionToken,
      Expiration: issued.expiration.toISOString(),
    });
  });
}

function ecrError(type: string, message: string): Response {
  return new Response(JSON.stringify({ __type: type, message }), {
    status: 400,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type },
  });
}

export async function startAwsStandIn(options: AwsStandInOptions): Promise<AwsStandIn> {
  const calls: string[] = [];
  const secretOf: Secrets = new Map();
  const passwords = new Map<string, number>();
  let refusing = false;
  const ecr = new Hono().post("/", async (c) => {
    const body = await c.req.text();
    const signer = verifySigV4({ method: "POST", path: "/", headers: c.req.raw.headers, body }, (key) =>
      secretOf.get(key),
    );
    const target = c.req.header("x-amz-target");
    const region = signer?.region ?? "-";
    const answer = (status: number, response: Response) => {
      calls.push(`ecr ${region} ${status}`);
      return response;
    };
    if (signer === undefined || signer.service !== "ecr")
      return answer(
        400,
        ecrError("UnrecognizedClientException", "The security token included in the request is invalid."),
      );
    if (target !== "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken")
      return answer(400, ecrError("UnknownOperationException", `unsupported ${target}`));
    if (refusing)
      return answer(
        400,
        ecrError("AccessDeniedException", "not authorized to perform: ecr:GetAuthorizationToken"),
      );
    const password = randomBytes(24).toString("base64url");
    const expiresAt = options.now() + (options.ecrLifetimeMs ?? 12 * 3_600_000);
    passwords.set(password, expiresAt);
    const authorizationToken = Buffer.from(`AWS:${password}`).toString("base64");
    return answer(
      200,
      new Response(
        JSON.stringify({
          authorizationData: [
            { authorizationToken, expiresAt: expiresAt / 1000, proxyEndpoint: "https://ecr.stand-in" },
          ],
        }),
        { headers: { "content-type": "application/x-amz-json-1.1" } },
      ),
    );
  });
  const servers: LoopbackServer[] = await Promise.all([
    listenOnLoopback(stsApp(options, calls, secretOf).fetch),
    listenOnLoopback(ecr.fetch),
    listenOnLoopback(podIdentityApp(options, calls, secretOf).fetch),
  ]);
  const [sts, ecrServer, pod] = servers as [LoopbackServer, LoopbackServer, LoopbackServer];
  return {
    stsUrl: sts.origin,
    ecrUrl: ecrServer.origin,
    podIdentityUrl: `${pod.origin}/v1/credentials`,
    calls,
    accepts: (username, password) =>
      username === "AWS" && options.now() < (passwords.get(password) ?? Number.NEGATIVE_INFINITY),
    refuseEcr: (refuse) => {
      refusing = refuse;
    },
    stop: async () => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

/** What EKS injects for IRSA, with the SDK's endpoints pointed at the stand-in. */
export function irsaEnvironment(aws: AwsStandIn, dir: string, roleArn: string, token: string) {
  return {
    AWS_ROLE_ARN: roleArn,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile(dir, "irsa-token", token),
    AWS_ENDPOINT_URL_STS: aws.stsUrl,
    AWS_ENDPOINT_URL_ECR: aws.ecrUrl,
  };
}
