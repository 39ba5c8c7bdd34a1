#!/usr/bin/env bash
# Assembles the two base images the Dockerfile takes as build arguments from Debian's own packages
# (debootstrap + Debian's nodejs), so the image can be built here without pulling anything from a
# container registry, and prints them as `BUILD_IMAGE=… RUNTIME_IMAGE=…`:
# - build: Debian minbase with nodejs and npm (compiles the TypeScript, installs node_modules);
# - runtime: distroless-style, only the files of nodejs and the packages it depends on, CA
#   certificates and a nonroot user (uid 65532); no shell, no package manager.
# Both are tagged with a hash of this script, so a change to it rebuilds them; otherwise reused.
# Needs root (debootstrap, chroot) and the Debian mirror named in this machine's apt sources.
set -euo pipefail
# Debian 13: its nodejs is 20.19, which package.json's engines asks for (bookworm ships 18).
suite=trixie
storage=(--storage-driver vfs)
tag=$(sha256sum "$0" | cut -c1-12)
build_image=localhost/headwind-node-build:$tag
runtime_image=localhost/headwind-node-runtime:$tag

if buildah "${storage[@]}" inspect --type image "$build_image" >/dev/null 2>&1 &&
  buildah "${storage[@]}" inspect --type image "$runtime_image" >/dev/null 2>&1; then
  echo "BUILD_IMAGE=$build_image RUNTIME_IMAGE=$runtime_image"
  exit 0
fi

# The mirror this machine already installs from (a package registry), unless told otherwise.
mirror=${HEADWIND_DEBIAN_MIRROR:-$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)}
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /var/tmp/headwind-bases.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
start=$(date +%s)

echo "image-bases: debootstrap $suite from $mirror" >&2
debootstrap --variant=minbase --include=nodejs,ca-certificates "$suite" "$work/debian" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  {
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  }

# The runtime root: every file of nodejs's dependency closure except documentation, into a fresh
# tree that keeps Debian's merged-/usr links (so /lib64/ld-linux-x86-64.so.2 resolves).
closure=$(chroot "$work/debian" apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances nodejs | grep -v '^[ <]' | sort -u)
rt="$work/runtime"
mkdir -p "$rt"/{usr/bin,usr/lib,usr/lib64,usr/sbin,etc/ssl/certs,tmp,proc,sys,dev,home/nonroot,app}
for link in bin lib lib64 sbin; do ln -s "usr/$link" "$rt/$link"; done
# shellcheck disable=SC2086 # one package a word
chroot "$work/debian" dpkg -L $closure | sort -u |
  grep -Ev '^/usr/share/(doc|man|info|lintian|locale|bug)(/|$)' |
  while read -r path; do
    # Files and links only: tar creates their directories, and a listed directory would pull in all of it.
    if [ -L "$work/debian$path" ] || [ -f "$work/debian$path" ]; then echo "${path#/}"; fi
  done >"$work/files"
tar -C "$work/debian" --no-recursion -cf - -T "$work/files" | tar -C "$rt" -xf -
cp "$work/debian/etc/ssl/certs/ca-certificates.crt" "$rt/etc/ssl/certs/"
cp "$work/debian/etc/os-release" "$rt/etc/os-release" 2>/dev/null || cp "$work/debian/usr/lib/os-release" "$rt/etc/os-release"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rt/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$rt/etc/group"
printf 'hosts: files dns\n' >"$rt/etc/nsswitch.conf"
chmod 1777 "$rt/tmp"
chown 65532:65532 "$rt/home/nonroot"
chroot "$rt" /usr/bin/node -e 'process.exit(0)' || {
  echo "image-bases: the runtime root cannot run node" >&2
  exit 1
}

# The build root: the same Debian with npm added by apt (it resolves npm's many node-* packages).
chroot "$work/debian" apt-get install -y --no-install-recommends npm >"$work/npm.log" 2>&1 ||
  {
    tail -n 30 "$work/npm.log" >&2
    exit 1
  }
chroot "$work/debian" apt-get clean
rm -rf "$work/debian/var/lib/apt/lists/"*

commit() {
  local dir=$1 image=$2 ctr
  shift 2
  ctr=$(buildah "${storage[@]}" from scratch)
  buildah "${storage[@]}" copy "$ctr" "$dir" / >/dev/null
  buildah "${storage[@]}" config "$@" "$ctr"
  buildah "${storage[@]}" commit --rm --quiet "$ctr" "$image" >/dev/null
}
commit "$work/debian" "$build_image" --env PATH=/usr/local/bin:/usr/bin:/bin --workingdir / --cmd /bin/bash
commit "$rt" "$runtime_image" --env PATH=/usr/bin:/bin --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --user 65532:65532 --workingdir /home/nonroot --entrypoint '["/usr/bin/node"]'
echo "image-bases: built $build_image and $runtime_image in $(($(date +%s) - start))s" >&2
echo "BUILD_IMAGE=$build_image RUNTIME_IMAGE=$runtime_image"
