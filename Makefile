# Shortcuts for developers; setup.sh is the entry point (it needs nothing but bash and apt-get).
.PHONY: build demo test asan bench format clean

build:
	./setup.sh build
demo:
	./setup.sh demo
test:
	./setup.sh test
asan:
	./setup.sh sanitize
bench: build
	bash bench/run.sh build/release
format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
clean:
	rm -rf build
