# The web app and the worker share this image (docker-compose.yml picks the command).
# Build stage: every dependency, then the Remix bundle.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# public/ may be empty, and git keeps no empty folders.
RUN mkdir -p public && npm run build

# Runtime: production dependencies (tsx runs the TypeScript entry points), the
# bundle, and the server-side sources. No Go: MONGODB_URI always names a server here.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
# Supervision report PDFs (ADR 022) set Chinese text in Noto Sans CJK.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/tsconfig.json ./
COPY --from=build /app/app ./app
COPY --from=build /app/models ./models
COPY --from=build /app/jobs ./jobs
COPY --from=build /app/server ./server
COPY --from=build /app/tools ./tools
COPY --from=build /app/public ./public
COPY --from=build /app/build ./build
USER node
EXPOSE 3000
# `npm start` minus npm: tsx passes SIGTERM on to the process, npm does not.
CMD ["node_modules/.bin/tsx", "server/index.ts"]
