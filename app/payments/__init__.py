"""Card payments: the gateway interface and its Stripe implementation."""
