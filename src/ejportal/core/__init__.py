"""Mechanisms every area uses: folders, content types, events, audit, workflow, versioning, catalog, evolve."""
