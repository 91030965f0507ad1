# One image for every service; the compose file picks the entry point.
FROM oven/bun:1.4.5-debian
WORKDIR /app
COPY package.json package-lock.json bunfig.toml ./
COPY shared/package.json shared/
COPY services/gateway/package.json services/gateway/
COPY services/crawler/package.json services/crawler/
COPY services/auditor/package.json services/auditor/
COPY services/exporter/package.json services/exporter/
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
  && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf /var/lib/apt/lists/* /root/.npm
COPY shared shared
COPY services services
USER bun
ENV NODE_ENV=production
CMD ["bun", "services/gateway/src/main.ts"]
