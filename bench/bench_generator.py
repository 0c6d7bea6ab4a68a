"""1Prompt1Story cost versus the stock SDXL pipeline, measured side by side in one run.

For each model size it prints, on the same pipeline, seed and settings:
  time(N-frame story) / (N × time(stock pipeline, one frame))   for IPCA "fast" and "reference"
  (CPU: process CPU seconds, robust to other load on a shared machine; CUDA: synchronized wall seconds)
  peak extra memory of each run (CUDA: max allocated; CPU: sampled process RSS above the idle level)
and then a cast: the same N frames as a two-character story (girl and dog, each frame with its own cast, so
every batch mixes rows with hidden columns) ÷ the same story as a cast of one, per frame, side by side.

    python -m bench.bench_generator                 # tiny and full-size SDXL UNet (random weights)
    python -m bench.bench_generator --sizes tiny    # quick
    python -m bench.bench_generator --only cast --repeats 6 --threads 1   # the cast comparison alone, steadier
Targets: "fast" ≤ 1.10× stock per frame at SDXL size (the paper's reference runs 1.77× vanilla SDXL); a
two-character story ≤ 1.03× the cast of one per frame, memory +0.
"""

import argparse
import ctypes
import gc
import statistics
import threading
import time

import psutil
import torch

from core.cast import Character, compose_prefix
from generator import GenerationSettings, StoryGenerator
from generator.models import ModelInfo

IDENTITY = "A watercolor illustration of a red fox wearing a blue scarf"
FRAMES = [
    "running through deep snow",
    "talking with a black crow on a branch",
    "sleeping by a warm fire",
    "crossing a frozen river at dawn",
]

GIRL = Character(id="girl", handle="the girl", description="a girl with red braids and a yellow raincoat")
DOG = Character(id="dog", handle="the dog", description="a small black dog with a white patch on one ear")
CAST_FRAMES = [
    "the girl and the dog walk to school in the rain",
    "the dog sleeps by the fire",
    "the girl reads a book under a tree",
    "the empty beach at dawn",
]
CAST_PRESENCE = [None, ["dog"], ["girl"], []]  # both, the dog alone, the girl alone, nobody


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


def cast_runs(generator: StoryGenerator, settings: GenerationSettings, frames: int) -> dict:
    """The same frames as a cast of one (the girl, everywhere) and as a two-character story with per-frame casts."""
    story, presence = CAST_FRAMES[:frames], CAST_PRESENCE[:frames]
    one, two = compose_prefix([GIRL], "storybook"), compose_prefix([GIRL, DOG], "storybook")
    return {
        "cast of one": lambda: generator.render(one, story, settings),
        "two characters": lambda: generator.render(two, story, settings, presence=presence),
    }


def measure(generator: StoryGenerator, settings: GenerationSettings, frames: int, repeats: int, runs=None) -> dict:
    device = generator.pipe.device
    runs = runs or story_runs(generator, settings, frames)
    next(iter(runs.values()))()  # warm-up (allocator, kernels)
    times, peaks = {name: [] for name in runs}, dict.fromkeys(runs, 0)
    for repeat in range(repeats):  # interleaved, alternating the order; best of `repeats` (and the median)
        for name in (list(runs) if repeat % 2 == 0 else list(runs)[::-1]):
            elapsed, peak = timed(device, runs[name])
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    return {name: (min(times[name]), peaks[name], statistics.median(times[name])) for name in runs}


def report(title: str, best: dict, frames: int) -> None:
    stock_time, stock_peak = best["stock, 1 frame"]
    print(f"\n{title}: {frames}-frame story")
    print(f"  {'run':<22}{'seconds':>10}{'per frame / stock':>20}{'peak extra MiB':>16}")
    for name, (elapsed, peak, _) in best.items():
        count = 1 if name.startswith("stock") else frames
        print(f"  {name:<22}{elapsed:>10.2f}{elapsed / (count * stock_time):>19.2f}x{peak / 2**20:>16.0f}")


def report_cast(title: str, best: dict, frames: int) -> None:
    (one, one_peak, one_median), (two, two_peak, two_median) = best["cast of one"], best["two characters"]
    print(f"\n{title}: {frames}-frame story, two characters ÷ a cast of one (IPCA fast)")
    print(f"  {'run':<22}{'s per frame':>12}{'median':>10}{'peak extra MiB':>16}")
    for name, (elapsed, peak, median) in best.items():
        print(f"  {name:<22}{elapsed / frames:>12.3f}{median / frames:>10.3f}{peak / 2**20:>16.0f}")
    extra = (two_peak - one_peak) / 2**20
    print(f"  two characters / cast of one: {two / one:.3f}x per frame (best), {two_median / one_median:.3f}x "
          f"(median), memory {extra:+.0f} MiB")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["tiny", "sdxl"], choices=["tiny", "sdxl"])
    parser.add_argument("--frames", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="best of N at SDXL size (tiny: 5)")
    parser.add_argument("--only", choices=["stock", "cast"], help="only the stock comparison, or only the cast's")
    parser.add_argument("--threads", type=int, help="torch CPU threads (1 is steadiest on a shared machine)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = f"cuda {torch.cuda.get_device_name()}" if torch.cuda.is_available() else "cpu"
    print(f"torch {torch.__version__}, device: {device}, threads {torch.get_num_threads()}", flush=True)
    if "tiny" in args.sizes:
        settings = GenerationSettings(steps=10, batch_size=args.frames, seed=1)
        tiny = StoryGenerator.load("tiny")
        if args.only != "cast":
            report("tiny (random weights, 128x128, 10 steps)", measure(tiny, settings, args.frames, repeats=5),
                   args.frames)
        if args.only != "stock":
            cast = measure(tiny, settings, args.frames, 5, cast_runs(tiny, settings, args.frames))
            report_cast("tiny (random weights, 128x128, 10 steps)", cast, args.frames)
    if "sdxl" in args.sizes:
        settings = GenerationSettings(steps=2, batch_size=args.frames, seed=1, width=256, height=256)
        generator = full_size_generator()
        title = "SDXL UNet architecture (random weights, 256x256, 2 steps)"
        if args.only != "cast":
            report(title, measure(generator, settings, args.frames, repeats=args.repeats), args.frames)
        if args.only != "stock":
            cast = measure(generator, settings, args.frames, args.repeats, cast_runs(generator, settings, args.frames))
            report_cast(title, cast, args.frames)


if __name__ == "__main__":
    main()
