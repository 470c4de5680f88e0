"""Reports: the proctored exam results CSV, its jobs and signed expiring download links."""
