"""The raw article: find document folders, read their files, recognise the scrape's shape, clean it."""
