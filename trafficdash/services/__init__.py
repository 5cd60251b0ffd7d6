"""Application services: the logic pages, the API, jobs and the CLI call."""
