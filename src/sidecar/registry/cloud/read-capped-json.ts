/** Reads a JSON body of at most `maxBytes` from a token endpoint; more is a protocol error, never buffered. */
import { CloudCredentialError } from "./describe-cloud-error.ts";

export async function readCappedJson(response: Response, maxBytes: number, what: string): Promise<unknown> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = await reader?.read();
    if (chunk === undefined || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw new CloudCredentialError(`${what} sent more than ${maxBytes} bytes`);
    }
    chunks.push(chunk.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new CloudCredentialError(`${what} sent no JSON`);
  }
}
