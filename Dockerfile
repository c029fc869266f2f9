# pixelrouter: multi-stage build, runs as the unprivileged `node` user.
#   docker build -t pixelrouter .
#   docker run -p 8080:8080 -v pixelrouter-data:/data pixelrouter
# Embedded defaults (PGlite and images under /data) unless DATABASE_URL, REDIS_URL and S3_* are set;
# see compose.yaml for PostgreSQL, Redis and an S3-compatible store.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are here; sharp, esbuild and PGlite
# come as prebuilt packages.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY web web
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:22-bookworm-slim
# jemalloc gives memory back after image-heavy bursts; with glibc's malloc the process keeps its peak
# (bench/README.md: 0.7-0.9 GB instead of about 2.4 GB after 50 edits of 16 images).
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/* \
  && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 PIXELROUTER_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/web/dist web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains requests in flight for PIXELROUTER_SHUTDOWN_GRACE, then settles the rest:
# give docker stop at least that long (compose.yaml sets stop_grace_period).
ENTRYPOINT ["node", "dist/cli/index.js"]
CMD ["serve"]
