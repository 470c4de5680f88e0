"""The simulated proctoring service: software pages, a reviewer page, and its vendor side."""
