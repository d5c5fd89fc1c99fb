"""Adapters to AWS: DynamoDB (tickets, sessions, outbox), SQS (inbound queue), S3 (media)."""
