"""jtcompare's command line: parses options, calls the engine in `compare`, renders."""
