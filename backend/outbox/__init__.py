"""Email by transactional outbox: messages written with the request, sent by the relay."""
