/**
 * A self-signed RSA certificate built with node:crypto alone (DER written by hand), so the token
 * tests need no openssl binary. Just enough X.509 v3 for Go's `x509.ParseCertificate` and Node's
 * TLS: version, serial, sha256WithRSAEncryption, CN-only names, validity, the public key and, when
 * asked, a subjectAltName of IPv4 addresses (Node checks an https server on 127.0.0.1 against it).
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const der = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...content: Buffer[]) => der(0x30, ...content);
const sha256WithRsa = sequence(Buffer.from("06092a864886f70d01010b", "hex"), Buffer.from("0500", "hex"));

function commonName(name: string): Buffer {
  const cn = sequence(Buffer.from("0603550403", "hex"), der(0x0c, Buffer.from(name, "utf8")));
  return sequence(der(0x31, cn));
}

/** UTCTime, YYMMDDHHMMSSZ (valid until 2049, plenty for a test). */
function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`, "ascii"));
}

export interface SelfSignedCert {
  readonly privateKey: KeyObject;
  /** DER bytes, for a JWT `x5c` header. */
  readonly der: Buffer;
  /** PEM text, for the registry's `rootcertbundle`. */
  readonly pem: string;
}

/** `[3] { SEQUENCE { subjectAltName, OCTET STRING { SEQUENCE { [7] ip, … } } } }` */
function ipAltNames(ipAddresses: readonly string[]): Buffer[] {
  if (ipAddresses.length === 0) return [];
  const names = ipAddresses.map((ip) => der(0x87, Buffer.from(ip.split(".").map(Number))));
  const extension = sequence(Buffer.from("0603551d11", "hex"), der(0x04, sequence(...names)));
  return [der(0xa3, sequence(extension))];
}

export function createSelfSignedCert(
  name: string,
  now = new Date(),
  ipAddresses: readonly string[] = [],
): SelfSignedCert {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serial = randomBytes(8);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive, non-zero leading byte
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    sha256WithRsa,
    commonName(name),
    sequence(utcTime(new Date(now.getTime() - 3_600_000)), utcTime(new Date(now.getTime() + 2 * 86_400_000))),
    commonName(name),
    publicKey.export({ type: "spki", format: "der" }),
    ...ipAltNames(ipAddresses),
  );
  const signature = sign("sha256", tbs, privateKey);
  const cert = sequence(tbs, sha256WithRsa, der(0x03, Buffer.from([0]), signature));
  const lines = cert.toString("base64").match(/.{1,64}/g) ?? [];
  return {
    privateKey,
    der: cert,
    pem: `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`,
  };
}
