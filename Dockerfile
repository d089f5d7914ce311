# syntax=docker/dockerfile:1
# One image, one target per app: `docker build --target collector .` (or engine, dashboard,
# demo; `app` runs any command, e.g. `node --import tsx scripts/setup.ts`). Apps run from
# their TypeScript sources with tsx, the same way tests run them.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is cached until a package.json or the lock changes.
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY store/package.json store/
COPY collector/package.json collector/
COPY engine/package.json engine/
COPY dashboard/package.json dashboard/
COPY snippet/package.json snippet/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w @floorwalker/snippet && npm run build -w @floorwalker/dashboard

FROM node:20-bookworm-slim AS app
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build --chown=node:node /app /app
USER node
# `node --import tsx` keeps one process (no wrapper), so SIGTERM reaches the app directly.
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["scripts/setup.ts"]

FROM app AS collector
ENV COLLECTOR_HOST=0.0.0.0 COLLECTOR_PORT=8080
EXPOSE 8080
CMD ["collector/src/main.ts"]

FROM app AS engine
CMD ["engine/src/main.ts"]

FROM app AS dashboard
ENV DASHBOARD_HOST=0.0.0.0 DASHBOARD_PORT=8081
EXPOSE 8081
CMD ["dashboard/src/main.ts"]

FROM app AS demo
ENV DEMO_HOST=0.0.0.0 DEMO_PORT=8082
EXPOSE 8082
CMD ["demo/src/main.ts"]
