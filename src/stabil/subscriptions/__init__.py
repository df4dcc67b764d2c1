"""Who, besides the declaration's contacts, hears of a service: subscribers and webhooks."""
