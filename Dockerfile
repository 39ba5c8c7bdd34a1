# One image, two entry points: dist/hooks-server/main.js and dist/sidecar/main.js.
# Build: docker build -t ghcr.io/headwind-sh/headwind-ts:0.1.0 .
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm ci --omit=dev --no-audit --no-fund

# Distroless: no shell, no package manager; runs as uid 65532 (nonroot).
FROM gcr.io/distroless/nodejs22-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 65532:65532
EXPOSE 8000 9090 8080 9091
CMD ["dist/hooks-server/main.js"]
