"""Card payments: the gateway interface, its Stripe implementation and the webhook."""
