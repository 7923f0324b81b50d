# The app as one image: built with the dev dependencies, run with the production ones only, as the
# unprivileged `node` user. The same image serves every process behind the load balancer
# (docker-compose.yml); configuration is the environment (README: Configuration).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN NODE_ENV=production npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build ./build
COPY tsconfig.json ./
COPY shared ./shared
COPY db ./db
COPY server ./server
# DATA_DIR holds the embedded database (single-container runs) and a generated session secret.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The server process itself is pid 1: it handles SIGTERM (graceful stop), and a stale embedded-database
# lock naming pid 1 after a kill -9 is taken over (db/dir-lock.ts).
CMD ["node", "--import", "tsx", "server/main.ts"]
