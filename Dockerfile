# One image, two entry points: dist/hooks-server/main.js (the default) and dist/sidecar/main.js.
# Build: docker build -t ghcr.io/headwind-sh/headwind-ts:0.1.0 .
# Or `npm run image`: buildah, from base images assembled here from Debian's packages
# (scripts/image-bases.sh), passed as the two build arguments below.
ARG BUILD_IMAGE=node:22-bookworm-slim
# Distroless: no shell, no package manager; node is its entrypoint; runs as uid 65532 (nonroot).
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs its install script to build or run Headwind. Behind a TLS-intercepting proxy,
# pass its CA as the build secret extra-ca (`npm run image` does); it never lands in a layer.
RUN --mount=type=secret,id=extra-ca \
  if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi \
  && npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# No source maps (the image holds no TypeScript for them to point to) and no dev dependencies. From
# the runtime dependencies, drop what they ship but never load: TypeScript (declarations included;
# @types/* are nothing else, even where a dependency lists them as its own dependencies), source
# maps, and their own tests (a test/ folder at a package's root, or in its build output).
RUN npx tsc -p tsconfig.build.json --sourceMap false \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/@types \
  && find node_modules -regextype posix-extended \
    -regex '(.*/)?node_modules/(@[^/]+/)?[^/]+/((build|dist|lib)/([^/]+/)?)?(test|tests|__tests__)' \
    -type d -prune -exec rm -rf {} + \
  && find node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete \
  && find node_modules -mindepth 1 -type d -empty -delete

FROM ${RUNTIME_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 65532:65532
EXPOSE 8000 8081 9090 8080 9091
CMD ["dist/hooks-server/main.js"]
