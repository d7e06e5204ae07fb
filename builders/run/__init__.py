"""The corpus run: the per-document step over chunks, on workers, with the cache, into a build."""
