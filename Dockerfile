# Lifeport Regie: one image for web, worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN pip install . && useradd --system --home /app lifeport \
    && SECRET_KEY=build DEBUG=1 python manage.py compilemessages --ignore=node_modules \
    && SECRET_KEY=build python manage.py collectstatic --no-input \
    && mkdir -p /data/media && chown -R lifeport /data /app/var
USER lifeport
EXPOSE 8000
CMD ["gunicorn", "lifeport.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
