"""`python -m bench`: every benchmark in turn (generator at tiny size only; add --sizes sdxl by hand)."""

from bench import bench_agent, bench_app, bench_generator

bench_generator.main(["--sizes", "tiny"])
bench_agent.main([])
bench_app.main([])
