"""Data generators and benchmarks (run each as ``python -m bench.<name>``)."""
