"""Public trade statistics: the cube, its disclosure control, the published tables."""
