# syntax=docker/dockerfile:1
#
# Switchboard: one image for every process — `migrate`, `ingress`, `worker` and the CLI
# (including the dashboard, `tui`). The sources are TypeScript run through tsx, which is a
# runtime dependency: there is no build step, so the image is the production node_modules
# plus the source tree. See docs/OPERATIONS.md.
#
#   docker build -t switchboard .
#   docker run --rm --init -e DATABASE_URL=... -e REDIS_URL=... switchboard worker

ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: production dependencies only, from the lockfile ---------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# In a container every listener must be reachable from outside it: the HTTP ingress, the SMTP
# ingress and a worker's /metrics, /healthz, /readyz. (The defaults outside containers are 127.0.0.1.)
ENV NODE_ENV=production \
    INGRESS_HOST=0.0.0.0 \
    SMTP_INGRESS_HOST=0.0.0.0 \
    METRICS_HOST=0.0.0.0

COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY core ./core
COPY migrations ./migrations
COPY queue ./queue
COPY services ./services
COPY tui ./tui
COPY worker ./worker

# SWITCHBOARD_DATA_DIR (default /app/.data) is only written when SMTP_URL is unset (sent mail
# kept as .eml files) or when the embedded services are used; it must belong to the runtime user.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node

# 8080 HTTP ingress (also /metrics, /healthz, /readyz of an ingress process), 2525 SMTP
# ingress, 9464 /metrics, /healthz, /readyz of a worker-only process.
EXPOSE 8080 2525 9464

# The same image runs the ingress (health on INGRESS_PORT) and workers (health on
# METRICS_PORT): the check passes when either answers /healthz with 2xx. No curl or wget in
# the slim image, so it uses Node's fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const ports=[process.env.METRICS_PORT||9464,process.env.INGRESS_PORT||8080];Promise.any(ports.map((p)=>fetch('http://127.0.0.1:'+p+'/healthz',{signal:AbortSignal.timeout(4000)}).then((r)=>{if(!r.ok)throw new Error(String(r.status))}))).then(()=>process.exit(0),()=>process.exit(1))"]

ENTRYPOINT ["node", "bin/switchboard.mjs"]
CMD ["worker"]
