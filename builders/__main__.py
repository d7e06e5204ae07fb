from builders.cli import run

if __name__ == "__main__":  # not when a spawned worker process (Dask) imports it
    run()
