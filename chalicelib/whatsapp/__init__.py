"""WhatsApp Cloud API: webhook signature and envelope, inbound models, outbound messages, client."""
