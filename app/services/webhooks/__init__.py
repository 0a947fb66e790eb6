"""Outgoing webhooks: endpoints a company's owner registers, events written to an outbox in
the changing transaction, signed deliveries retried by a job for up to three days."""
