"""How fast the course's training loop runs, what slows it down, and what each fix changes.

Every rate is images per second of training steps (forward, loss, backward, SGD step) of
the course's model. Each pipeline is also timed with one batch that is already in memory,
used again and again: the same computation with no data loading at all, its compute-only
speed. Run it with `python make_it_fast.py`.
"""

import itertools
import os
import statistics
import time

import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

from model import Tudui  # model.py, next to this file

ROUNDS = 5  # the pipelines take turns; each one's rate is the median of its rounds
WARMUP_STEPS = 1  # run before every timed round, not timed
IMAGES_PER_ROUND = 8192 if torch.cuda.is_available() else 1536  # 24 steps of 64, 6 of 256, on a CPU
ABOUT_THE_SAME = 0.05  # a change of less than 5 % either way


# --8<-- [start:measure]
def make_train_step(model):
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)

    def train_step(imgs, targets):
        loss = loss_fn(model(imgs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return train_step


def wait_for_gpu():
    if torch.cuda.is_available():
        torch.cuda.synchronize()  # wait until the GPU has finished


def images_per_second(train_step, batches, batch_size):
    for _ in range(WARMUP_STEPS):
        train_step(*next(batches))
    timed = 0
    wait_for_gpu()
    start = time.perf_counter()
    for _ in range(IMAGES_PER_ROUND // batch_size):
        imgs, targets = next(batches)
        train_step(imgs, targets)
        timed += len(targets)
    wait_for_gpu()
    return timed / (time.perf_counter() - start)
# --8<-- [end:measure]


# --8<-- [start:batches]
def batches_from(loader, device):
    while True:  # one epoch after another
        for imgs, targets in loader:
            yield imgs.to(device), targets.to(device)


def batches_in_memory(images, labels, batch_size):
    while True:
        for start in range(0, len(images), batch_size):
            imgs = images[start:start + batch_size].float() / 255
            yield imgs, labels[start:start + batch_size]
# --8<-- [end:batches]


def verdict(ratio):
    if ratio >= 1 + ABOUT_THE_SAME:
        return "faster"
    if ratio <= 1 - ABOUT_THE_SAME:
        return "slower"
    return "about the same"


def print_results(pipelines, rates, compile_note):
    """The table (each pipeline's rate, against the course's, and the share of its own compute-only
    speed it reaches), each change on its own, and the rounds of the course's compute-only timing."""
    rate = {key: statistics.median(rates[key]) if rates[key] else None for key in pipelines}
    print(f"{'pipeline':<40}{'batch':>6}{'img/s':>8}{'vs a':>7}{'of compute only':>17}")
    for key, (label, _, _, batch_size, alone) in pipelines.items():
        if key.startswith("compute only"):
            continue
        name = f"{key}. {label}"
        if rate[key] is None:
            print(f"{name:<40}{batch_size:>6}{'failed':>8}")
        else:
            share = rate[key] / rate[alone]
            print(f"{name:<40}{batch_size:>6}{rate[key]:>8.0f}{rate[key] / rate['a']:>6.2f}×{share:>16.0%}")
    print()
    print("each change on its own:")
    changes = [
        ("b", "a", "tensors in memory instead of PIL per image"),
        ("c", "a", "2 workers instead of 0"),
        ("d", "b", "batch 256 instead of 64"),
        ("e", "b", "channels_last"),
        ("f", "b", f"torch.compile ({compile_note})"),
    ]
    for new, old, what in changes:
        if rate[new] is None:
            print(f"{new} vs {old}  {what}")
        else:
            ratio = round(rate[new] / rate[old], 2)  # judged as printed
            print(f"{new} vs {old}  {what:<44}{ratio:.2f}×  {verdict(ratio)}")
    print()
    rounds = " ".join(f"{r:.0f}" for r in rates["compute only, batch 64"])
    print(f"timing noise: compute only, batch 64, round by round: {rounds} img/s")


if __name__ == "__main__":  # the workers of pipeline c need this on Windows and macOS
    # --8<-- [start:setup]
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        print(f"device: {device} ({torch.cuda.get_device_name()})")
    else:
        print(f"device: {device} ({os.cpu_count()} cores, "
              f"threads for torch: {torch.get_num_threads()})")
    to_tensor = torchvision.transforms.ToTensor()
    train_data = torchvision.datasets.CIFAR10("./dataset", train=True,
                                              transform=to_tensor, download=True)
    torch.manual_seed(0)
    pipelines = {}  # key: (label, train_step, batches, batch_size, its compute-only twin)
    # --8<-- [end:setup]

    # --8<-- [start:course]
    course_loader = DataLoader(train_data, batch_size=64)
    pipelines["a"] = ("course: PIL + ToTensor, 0 workers",
                      make_train_step(Tudui().to(device)),
                      batches_from(course_loader, device), 64, "compute only, batch 64")
    # --8<-- [end:course]

    # --8<-- [start:compute-only]
    def compute_only(model, batch, memory_format=torch.contiguous_format):
        """The same training step on one batch already on the device, again and again."""
        imgs, targets = batch
        imgs = imgs.to(device).contiguous(memory_format=memory_format)
        return make_train_step(model), itertools.repeat((imgs, targets.to(device)))

    course_imgs, course_targets = next(iter(course_loader))
    fixed_batch = (course_imgs, course_targets)
    pipelines["compute only, batch 64"] = (
        "", *compute_only(Tudui().to(device), fixed_batch), 64, None)
    # --8<-- [end:compute-only]

    # --8<-- [start:in-memory]
    images = torch.from_numpy(train_data.data)  # (50000, 32, 32, 3), uint8
    images = images.permute(0, 3, 1, 2).contiguous().to(device)
    labels = torch.tensor(train_data.targets).to(device)
    print(f"{tuple(images.shape)} {images.dtype}: {images.nbytes / 2**20:.0f} MiB")

    memory_batches = batches_in_memory(images, labels, 64)
    imgs, targets = next(memory_batches)
    print("same first batch as ToTensor gives:",
          torch.equal(imgs.cpu(), course_imgs)
          and torch.equal(targets.cpu(), course_targets))
    pipelines["b"] = ("tensors in memory",
                      make_train_step(Tudui().to(device)),
                      memory_batches, 64, "compute only, batch 64")
    # --8<-- [end:in-memory]

    # --8<-- [start:workers]
    worker_loader = DataLoader(train_data, batch_size=64,
                               num_workers=2, persistent_workers=True)
    worker_batches = batches_from(worker_loader, device)
    start = time.perf_counter()
    next(worker_batches)
    seconds = time.perf_counter() - start
    print(f"starting 2 workers, up to the first batch: {seconds:.2f} s")
    pipelines["c"] = ("PIL + ToTensor, 2 workers",
                      make_train_step(Tudui().to(device)),
                      worker_batches, 64, "compute only, batch 64")
    # --8<-- [end:workers]

    # --8<-- [start:batch-size]
    pipelines["d"] = ("tensors in memory",
                      make_train_step(Tudui().to(device)),
                      batches_in_memory(images, labels, 256), 256, "compute only, batch 256")
    big_batch = (images[:256].float() / 255, labels[:256])
    pipelines["compute only, batch 256"] = (
        "", *compute_only(Tudui().to(device), big_batch), 256, None)
    # --8<-- [end:batch-size]

    # --8<-- [start:channels-last]
    model = Tudui().to(device, memory_format=torch.channels_last)
    channels_last_images = images.contiguous(memory_format=torch.channels_last)
    channels_last_batches = batches_in_memory(channels_last_images, labels, 64)
    imgs, targets = next(channels_last_batches)
    print("batches are channels_last:",
          imgs.is_contiguous(memory_format=torch.channels_last))
    pipelines["e"] = ("in memory + channels_last",
                      make_train_step(model),
                      channels_last_batches, 64, "compute only, channels_last")
    pipelines["compute only, channels_last"] = (
        "", *compute_only(Tudui().to(device, memory_format=torch.channels_last), fixed_batch,
                          torch.channels_last), 64, None)
    # --8<-- [end:channels-last]

    # --8<-- [start:compile]
    compiled = torch.compile(Tudui().to(device))
    compiled_step, compiled_alone = compute_only(compiled, fixed_batch)
    start = time.perf_counter()
    try:
        compiled_step(*next(compiled_alone))  # the first step compiles the model
    except Exception as error:  # no C++ compiler, an unsupported platform, ...
        message = str(error).strip().splitlines() or [""]
        print(f"torch.compile failed: {type(error).__name__}: {message[0]}")
        compiled_step, compile_note = None, "failed"
    else:
        compile_seconds = time.perf_counter() - start
        print(f"first step, with compiling: {compile_seconds:.1f} s")
        compile_note = f"after {compile_seconds:.1f} s of compiling"
    pipelines["f"] = ("in memory + torch.compile",
                      compiled_step and make_train_step(compiled),
                      batches_in_memory(images, labels, 64), 64, "compute only, torch.compile")
    pipelines["compute only, torch.compile"] = ("", compiled_step, compiled_alone, 64, None)
    # --8<-- [end:compile]

    # --8<-- [start:race]
    rates = {key: [] for key in pipelines}
    order = list(pipelines)
    for _ in range(ROUNDS):
        for key in order:
            _, train_step, batches, batch_size, _ = pipelines[key]
            if train_step is not None:  # None: torch.compile failed
                rate = images_per_second(train_step, batches, batch_size)
                rates[key].append(rate)
        order.reverse()  # so that no pipeline is always measured first
    print_results(pipelines, rates, compile_note)
    # --8<-- [end:race]
