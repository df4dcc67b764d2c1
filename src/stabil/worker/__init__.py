"""Background work from the database: scheduled jobs and outbox delivery."""
