"""1Prompt1Story cost versus the stock SDXL pipeline, measured side by side in one run.

For each model size it prints, on the same pipeline, seed and settings:
  time(N-frame story) / (N × time(stock pipeline, one frame))   for IPCA "fast" and "reference"
  (CPU: process CPU seconds, robust to other load on a shared machine; CUDA: synchronized wall seconds)
  peak extra memory of each run (CUDA: max allocated; CPU: sampled process RSS above the idle level)

    python -m bench.bench_generator                 # tiny and full-size SDXL UNet (random weights)
    python -m bench.bench_generator --sizes tiny    # quick
Target: "fast" ≤ 1.10× stock per frame at SDXL size (the paper's reference runs 1.77× vanilla SDXL).
"""

import argparse
import ctypes
import gc
import threading
import time

import psutil
import torch

from generator import GenerationSettings, StoryGenerator
from generator.models import ModelInfo

IDENTITY = "A watercolor illustration of a red fox wearing a blue scarf"
FRAMES = [
    "running through deep snow",
    "talking with a black crow on a branch",
    "sleeping by a warm fire",
    "crossing a frozen river at dawn",
]


class PeakMemory:
    """Peak memory above the level at entry: CUDA allocator statistics, or RSS sampled every 2 ms on CPU."""

    def __init__(self, device: torch.device):
        self.device, self.peak = device, 0

    def __enter__(self):
        gc.collect()
        if self.device.type == "cpu":
            ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed pages back so the next run's rise shows in RSS
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.base = torch.cuda.memory_allocated()
        else:
            self.process, self.base, self.running = psutil.Process(), psutil.Process().memory_info().rss, True
            self.high = self.base
            self.thread = threading.Thread(target=self._sample, daemon=True)
            self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.high = max(self.high, self.process.memory_info().rss)
            time.sleep(0.002)

    def __exit__(self, *exc):
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            self.peak = torch.cuda.max_memory_allocated() - self.base
        else:
            self.running = False
            self.thread.join()
            self.peak = self.high - self.base


def timed(device, work):
    """Seconds of ``work`` and its peak extra memory. On CPU the seconds are process CPU time, which other
    processes on a shared machine inflate far less than wall time; on CUDA, synchronized wall time."""
    clock = time.perf_counter if device.type == "cuda" else time.process_time
    with PeakMemory(device) as memory:
        start = clock()
        work()
        if device.type == "cuda":
            torch.cuda.synchronize()
        elapsed = clock() - start
    return elapsed, memory.peak


def full_size_generator() -> StoryGenerator:
    from diffusers import StableDiffusionXLPipeline

    from generator.tiny import full_size_components

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    pipe = StableDiffusionXLPipeline(**full_size_components()).to(device, dtype)
    pipe.set_progress_bar_config(disable=True)
    info = ModelInfo(
        name="sdxl-architecture (random weights)",
        kind="sdxl",
        source="built-in",
        is_test_model=True,
        default_size=(256, 256),
        recommended_guidance=5.0,
        dtype=str(dtype),
        device=str(device),
        scheduler=type(pipe.scheduler).__name__,
    )
    return StoryGenerator(pipe, info)


def story_runs(generator: StoryGenerator, settings: GenerationSettings, frames: int) -> dict:
    """The runs compared side by side: the stock pipeline on one frame, and the story in each IPCA mode."""
    story = FRAMES[:frames]
    stock_settings = settings.model_copy(update={"svr": "off", "ipca": "off", "batch_size": 1})
    return {
        "stock, 1 frame": lambda: generator.render(IDENTITY, story, stock_settings, frames=[0]),
        "fast, batch 1": lambda: generator.render(IDENTITY, story, settings.model_copy(update={"batch_size": 1})),
        f"fast, batch {settings.batch_size}": lambda: generator.render(IDENTITY, story, settings),
        "reference, batch 1": lambda: generator.render(
            IDENTITY, story, settings.model_copy(update={"ipca": "reference", "batch_size": 1})
        ),
    }


def measure(generator: StoryGenerator, settings: GenerationSettings, frames: int, repeats: int) -> dict:
    device = generator.pipe.device
    runs = story_runs(generator, settings, frames)
    runs["stock, 1 frame"]()  # warm-up (allocator, kernels)
    best = {name: (float("inf"), 0) for name in runs}
    for _ in range(repeats):  # interleaved, best of `repeats`
        for name, work in runs.items():
            elapsed, peak = timed(device, work)
            best[name] = (min(best[name][0], elapsed), max(best[name][1], peak))
    return best


def report(title: str, best: dict, frames: int) -> None:
    stock_time, stock_peak = best["stock, 1 frame"]
    print(f"\n{title}: {frames}-frame story")
    print(f"  {'run':<22}{'seconds':>10}{'per frame / stock':>20}{'peak extra MiB':>16}")
    for name, (elapsed, peak) in best.items():
        count = 1 if name.startswith("stock") else frames
        print(f"  {name:<22}{elapsed:>10.2f}{elapsed / (count * stock_time):>19.2f}x{peak / 2**20:>16.0f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["tiny", "sdxl"], choices=["tiny", "sdxl"])
    parser.add_argument("--frames", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="best of N at SDXL size (tiny: 5)")
    args = parser.parse_args(argv)
    device = f"cuda {torch.cuda.get_device_name()}" if torch.cuda.is_available() else "cpu"
    print(f"torch {torch.__version__}, device: {device}, threads {torch.get_num_threads()}", flush=True)
    if "tiny" in args.sizes:
        settings = GenerationSettings(steps=10, batch_size=args.frames, seed=1)
        report(
            "tiny (random weights, 128x128, 10 steps)",
            measure(StoryGenerator.load("tiny"), settings, args.frames, repeats=5),
            args.frames,
        )
    if "sdxl" in args.sizes:
        settings = GenerationSettings(steps=2, batch_size=args.frames, seed=1, width=256, height=256)
        generator = full_size_generator()
        report(
            "SDXL UNet architecture (random weights, 256x256, 2 steps)",
            measure(generator, settings, args.frames, repeats=args.repeats),
            args.frames,
        )


if __name__ == "__main__":
    main()
