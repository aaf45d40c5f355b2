# Shorthands for scripts/dev.py, which needs only Python and pip.
.PHONY: run test check setup bench
run:
	python3 scripts/dev.py run
test:
	python3 scripts/dev.py test
check:
	python3 scripts/dev.py check
setup:
	python3 scripts/dev.py setup
bench:
	python3 bench/run.py
