"""Records -> the dataset: tokens, training views, splits, statistics, Parquet shards, reading back."""
