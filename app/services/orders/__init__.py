"""Orders: placing (cart, checkout, stock), the lifecycle, shipments, tracking."""
