/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does, so the ECR stand-in
 * accepts only requests signed with the secret of credentials it knows (docs: "Create a signed AWS
 * API request"). Only what the SDK sends for JSON RPC calls: POST to `/`, no query string.
 */
import { createHash, createHmac } from "node:crypto";

export interface SigV4Identity {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecr/aws4_request, SignedHeaders=a;b, Signature=hex` */
function parseAuthorization(header: string) {
  const match = header.match(
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/,
  );
  if (match === null) return undefined;
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaders = "", signature = ""] =
    match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

/**
 * The signer's identity when the signature verifies with `secretFor(accessKeyId)`, else undefined.
 * `body` is the exact request body.
 */
export function verifySigV4(
  request: { method: string; path: string; headers: Headers; body: string },
  secretFor: (accessKeyId: string) => string | undefined,
): SigV4Identity | undefined {
  const auth = parseAuthorization(request.headers.get("authorization") ?? "");
  const amzDate = request.headers.get("x-amz-date") ?? "";
  const secret = auth === undefined ? undefined : secretFor(auth.accessKeyId);
  if (auth === undefined || secret === undefined || !amzDate.startsWith(auth.date)) return undefined;
  const canonicalHeaders = auth.signedHeaders
    .map((name) => `${name}:${(request.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const payloadHash = request.headers.get("x-amz-content-sha256") ?? sha256(request.body);
  const canonicalRequest = [
    request.method,
    request.path,
    "",
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${secret}`, auth.date);
  for (const part of [auth.region, auth.service, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  if (expected !== auth.signature) return undefined;
  return { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}
