/**
 * The Accept list for manifest HEADs. Fixed on purpose: the digest names the bytes served, and a
 * different Accept can serve a different manifest for the same tag, i.e. a phantom update
 * (docs/design/registry-protocols.md, Manifest digests). Index types first so multi-arch tags answer with their index digest.
 */
export const manifestAccept = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");
