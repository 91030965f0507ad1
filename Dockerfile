# One image per role, both built from this file; the service to run is the container's argument
# (`docker run IMAGE crawler`). Targets:
#   service  gateway, crawler and exporter (the default target)
#   auditor  the same plus Debian's Chromium and Node 20, which runs Lighthouse as a subprocess
# Base images are pinned; Bun matches the version in package.json.
ARG BUN_IMAGE=oven/bun:1.4.5-debian
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Production dependencies from the lockfile. Install scripts stay off: the runtime is the Bun
# of the base image, and the native libSQL client arrives as a plain optional dependency.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/gateway/package.json services/gateway/
COPY services/crawler/package.json services/crawler/
COPY services/auditor/package.json services/auditor/
COPY services/exporter/package.json services/exporter/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf /root/.npm

FROM ${BUN_IMAGE} AS base
WORKDIR /app
COPY --from=deps /app /app
COPY package.json bunfig.toml tsconfig.json ./
COPY shared shared
COPY services services
COPY scripts scripts
# /data holds export files (a volume shared by gateway, auditor and exporter) and, without a
# DATABASE_URL, the embedded database. The image runs as the unprivileged `bun` user.
RUN mkdir -p /data && chown bun:bun /data
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HEALTH_PORT=9464
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bun", "shared/src/health-probe.ts"]
ENTRYPOINT ["/bin/sh", "-c", "case \"$0\" in gateway|crawler|auditor|exporter) exec bun \"services/$0/src/main.ts\";; *) echo \"usage: <gateway|crawler|auditor|exporter>\" >&2; exit 64;; esac"]

FROM base AS auditor
USER root
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-liberation \
  && rm -rf /var/lib/apt/lists/*
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
ENV CHROMIUM_PATH=/usr/bin/chromium \
    CHROME_PATH=/usr/bin/chromium \
    LIGHTHOUSE_NODE=/usr/local/bin/node
USER bun
CMD ["auditor"]

FROM base AS service
USER bun
CMD ["gateway"]
