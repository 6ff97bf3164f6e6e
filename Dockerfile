# The controller image the Helm chart runs (charts/switchyard): one bundled ES module on distroless
# Node 20, non-root. Build: docker build -t ghcr.io/switchyard/controller:0.1.0 .
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:controller

FROM gcr.io/distroless/nodejs20-debian12:nonroot
COPY --from=build /src/build/controller.mjs /app/controller.mjs
# The flags are controllers/runtime-flags.ts (a test keeps them equal): about 140 MB RSS watching
# 1,000 RegionHealth and 100 Failovers (ADR 0007, Performance). The chart passes the arguments.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=1", "--optimize-for-size", "/app/controller.mjs"]
