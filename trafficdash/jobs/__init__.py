"""Background jobs: RQ queues and tasks, one-sync-per-account enqueueing, rq-scheduler schedules,
the stale-run watchdog, and the embedded (in-process) worker and scheduler threads."""
