"""Chapter 7 · 加载数据_DataLoader: batches of 64 from the CIFAR-10 test set."""

import ast
import re

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["torch.Size([3, 32, 32])", "len(loader) = 157"]

SNIPPET = "dataloader/dataloader.py"


def test_one_item_is_3x32x32_with_target_3():
    assert run(SNIPPET).output("setup") == "torch.Size([3, 32, 32])\n3\n"


def test_one_batch_has_64_pictures_and_64_labels():
    shown = run(SNIPPET).output("one-batch")
    first, rest = shown.split("\n", 1)
    assert first == "torch.Size([64, 3, 32, 32])"
    labels = [int(n) for n in re.findall(r"\d+", rest)]
    assert rest.startswith("tensor([") and len(labels) == 64 and set(labels) <= set(range(10))


def test_157_steps_without_drop_last_and_156_with_it():
    assert run(SNIPPET).output("count") == (
        "drop_last=False: 157 steps, last 16 images\n"
        "len(loader) = 157\n"
        "drop_last=True: 156 steps, last 64 images\n"
        "len(loader) = 156\n"
    )


def test_each_epoch_is_shuffled_differently():
    lines = run(SNIPPET).output("epochs").splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 0, first targets", "epoch 1, first targets"]
    first, second = (ast.literal_eval(line.split(": ", 1)[1]) for line in lines)
    assert len(first) == len(second) == 10
    assert first != second


def test_only_three_batches_per_epoch_go_to_tensorboard():
    result = run(SNIPPET)
    events = EventAccumulator(str(result.files / "logs"), size_guidance={"images": 0})
    events.Reload()
    assert sorted(events.Tags()["images"]) == ["Epoch: 0", "Epoch: 1"]
    for tag in ("Epoch: 0", "Epoch: 1"):
        images = events.Images(tag)
        assert [e.step for e in images] == [0, 1, 2]
        # 64 pictures of 32×32 tiled 8 by 8
        assert {(e.width, e.height) for e in images} == {(8 * 32, 8 * 32)}
    assert events.Images("Epoch: 0")[0].encoded_image_string != events.Images("Epoch: 1")[0].encoded_image_string


WITHOUT_MAIN, WITH_MAIN = "dataloader/spawn_without_main.py", "dataloader/spawn_with_main.py"


def test_without_the_main_guard_spawned_workers_stop_the_loop():
    result = run(WITHOUT_MAIN)
    summary = result.error["summary"]
    # the worker's own error (it imports the program again and starts workers itself) goes to its stderr;
    # the loop in the program stops with the parent's message, naming the worker's pid
    assert re.fullmatch(r"RuntimeError: DataLoader worker \(pid\(s\) \d+\) exited unexpectedly", summary), summary
    shown = result.output("no-main")
    assert shown.startswith("Traceback (most recent call last):\n") and shown.endswith(summary + "\n")
    assert "tensor(" not in shown, "a batch came through"
    # a dataset this small fits in the pipe that hands it to the worker; a large one (all of CIFAR-10) can leave the
    # main process waiting on a worker that already died (python/cpython#118981), which is why the program uses 8 numbers
    assert result.seconds < 60, f"took {result.seconds} s"


def test_with_the_main_guard_the_same_loop_runs_under_spawn():
    assert run(WITH_MAIN).output("with-main") == "tensor([0., 1., 2., 3.])\ntensor([4., 5., 6., 7.])\n"
