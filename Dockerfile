# syntax=docker/dockerfile:1
# One image per function, from one Dockerfile:  docker build --build-arg FUNCTION=loader -t <registry>/loader:<tag> .
# (FUNCTION is a name from platform/registry.ts: orchestrator, loader, loader-ws, persister, visualizer,
# exchange-sim, dummy; the visualizer's bundle carries its page script, built for the browser.)
# The bundles (npm run build) carry their dependencies, so the runtime stage holds Node, tini and dist/
# only: no node_modules, no npm, no compiler. It runs as a non-root user with a read-only root
# filesystem (the pod mounts /tmp), behind tini, which forwards SIGTERM and reaps children.
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts stay off: the build stage has its Node already, and nothing else needs one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY platform ./platform
COPY functions ./functions
COPY shared ./shared
RUN node platform/build.ts

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx /opt/yarn* /usr/local/bin/yarn*
ARG FUNCTION
RUN test -n "$FUNCTION" || (echo "build with --build-arg FUNCTION=<name>" >&2; exit 1)
WORKDIR /app
COPY --from=build /src/dist ./dist
# The entry names its bundle, so the command needs no shell to expand $FUNCTION.
RUN printf 'await import("./dist/%s.mjs");\n' "$FUNCTION" > main.mjs \
 && test -f "dist/$FUNCTION.mjs"
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0
# The distroless convention for "nonroot": matches runAsUser/runAsGroup in the manifests.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "/app/main.mjs"]
