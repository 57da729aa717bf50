# gapwatch runner image: the scheduled flows (`gapwatch serve`) and the API.
FROM python:3.11-slim
WORKDIR /app
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_LOGGING_SERVER_LEVEL=CRITICAL DO_NOT_TRACK=1
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps -e .
CMD ["gapwatch", "serve", "--config", "sources.toml"]
