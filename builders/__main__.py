from builders.cli import run

run()
