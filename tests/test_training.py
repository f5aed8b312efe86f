"""Chapter 19 · 完整的模型训练套路: set sizes, steps per epoch, argmax accuracy, the training routine."""

import os
import re

import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import SNIPPETS, run, threads_for
from conftest import exercise_answers, program

Tudui = program("training/model.py").Tudui

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["training set: 50000 images", "steps per epoch: 782"]

TRAIN = "training/train.py"
EPOCH_LINE = re.compile(
    r"^epoch (\d+): train loss (\S+)  test loss (\S+)  test accuracy (\S+)$", re.MULTILINE)


def epochs():
    return [(int(n), float(a), float(b), float(c)) for n, a, b, c in EPOCH_LINE.findall(run(TRAIN).output("loop"))]


def test_argmax_along_each_dimension():
    assert run("training/argmax_accuracy.py").output("argmax") == "tensor([1, 1])\ntensor([0, 1])\n"


def test_number_right_is_the_sum_of_matches():
    assert run("training/argmax_accuracy.py").output("count") == "tensor([False,  True])\ntensor(1)\n"


def test_set_sizes_and_steps_per_epoch():
    assert run(TRAIN).output("data") == (
        "training set: 50000 images\n"
        "test set: 10000 images\n"
        "steps per epoch: 782\n"
    )


def test_device_is_picked_by_availability():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert run(TRAIN).output("model") == f"device: {expected}\n"


def test_three_whole_epochs_are_printed_one_line_each():
    text = run(TRAIN).output("loop")
    assert [n for n, *_ in epochs()] == [1, 2, 3]
    assert text.count("\n") == 4  # three epoch lines and the list of checkpoints


def test_training_loss_falls_every_epoch_and_the_test_loss_by_the_end():
    found = epochs()
    train_losses = [train for _, train, _, _ in found]
    test_losses = [test for _, _, test, _ in found]
    assert all(b < a for a, b in zip(train_losses, train_losses[1:])), train_losses
    assert test_losses[-1] < test_losses[0], test_losses
    # below ln(10) = 2.3026, the loss of a model that guesses, already on average over the first epoch
    assert train_losses[0] < 2.3
    # the test loss is summed over the test set's 157 batches
    assert 157 * 1.0 < test_losses[0] < 157 * 2.3


def test_the_model_learns_at_about_the_courses_pace():
    # CIFAR-10 with the course's settings: 0.27–0.29 after the first epoch, more with each epoch.
    accuracies = [acc for *_, acc in epochs()]
    assert 0.22 <= accuracies[0] <= 0.40, accuracies
    assert accuracies[-1] >= 0.25 and accuracies[-1] > accuracies[0] + 0.05, accuracies


def test_one_state_dict_checkpoint_per_epoch():
    result = run(TRAIN)
    assert result.output("loop").endswith("['tudui_0.pth', 'tudui_1.pth', 'tudui_2.pth']\n")
    first, last = (torch.load(result.file(f"tudui_{i}.pth")) for i in (0, 2))
    assert isinstance(first, dict) and list(first) == list(Tudui().state_dict())
    tudui = Tudui()
    assert str(tudui.load_state_dict(last)) == "<All keys matched successfully>"
    assert not torch.equal(first["model1.0.weight"], last["model1.0.weight"])


def test_tensorboard_has_the_train_loss_and_the_test_results():
    result = run(TRAIN)
    events = EventAccumulator(str(result.files / "logs"))
    events.Reload()
    assert [p.step for p in events.Scalars("train_loss")] == list(range(100, 3 * 782 + 1, 100))
    printed = epochs()
    for tag, column in (("test_loss", 2), ("test_accuracy", 3)):
        logged = [(p.step, p.value) for p in events.Scalars(tag)]
        assert [step for step, _ in logged] == [1, 2, 3]
        assert all(abs(value - row[column]) < 1e-3 for (_, value), row in zip(logged, printed))


# Make it fast: the speed table of snippets/training/make_it_fast.py

FAST = "training/make_it_fast.py"
FAST_PATH = SNIPPETS / FAST
PIPELINE_ROW = re.compile(r"^([a-f])\. (.+?) +(\d+) +(?:failed|(\d+) +(\d+\.\d\d)× +(\d+)%)$", re.MULTILINE)
CHANGE = re.compile(r"^([a-f]) vs ([a-f])  (.+?) +(\d+\.\d\d)×  (faster|slower|about the same)$", re.MULTILINE)
NOISE = re.compile(r"^timing noise: compute only, batch 64, round by round: ([\d ]+) img/s$", re.MULTILINE)
IN_MEMORY, PIL_PER_IMAGE = ("b", "d", "e", "f"), ("a", "c")


def speed_table(text):
    """key -> (label, batch size, images per second or None when it failed, ratio to a, share of compute-only)."""
    return {
        key: (label, int(batch), int(rate) if rate else None, float(vs_a) if vs_a else None,
              int(share) / 100 if share else None)
        for key, label, batch, rate, vs_a, share in PIPELINE_ROW.findall(text)
    }


def measured_rates(text):
    return {key: rate for key, (_, _, rate, _, _) in speed_table(text).items() if rate is not None}


def test_speed_table_has_every_pipeline_and_positive_rates():
    table = speed_table(run(FAST).output("race"))
    assert list(table) == ["a", "b", "c", "d", "e", "f"]
    assert {key: batch for key, (_, batch, _, _, _) in table.items()} == {"a": 64, "b": 64, "c": 64, "d": 256, "e": 64, "f": 64}
    failed = [key for key, (_, _, rate, _, _) in table.items() if rate is None]
    # Only torch.compile may fail (no compiler, unsupported platform), and then it says why.
    assert failed in ([], ["f"])
    if failed:
        assert run(FAST).output("compile").startswith("torch.compile failed: ")
    assert all(rate > 0 for rate in measured_rates(run(FAST).output("race")).values())


def test_what_the_page_says_about_the_shares_of_compute_only_speed_holds_in_the_output():
    # The page: pipelines with the tensors in memory run at about their compute-only speed; the
    # ones that make every batch from PIL images (a, c) reach less of theirs than b does.
    table = speed_table(run(FAST).output("race"))
    share = {key: row[4] for key, row in table.items() if row[4] is not None}
    assert all(0.9 <= share[key] <= 1.1 for key in IN_MEMORY if key in share), share
    assert all(share[key] < share["b"] for key in PIL_PER_IMAGE), share


def agrees(printed, rate, other, rounded_to):
    """Whether a printed ratio can come from two rates that were printed rounded to whole numbers."""
    low, high = (rate - 0.5) / (other + 0.5), (rate + 0.5) / (other - 0.5)
    return low - rounded_to / 2 <= printed <= high + rounded_to / 2


def test_printed_ratios_agree_with_the_printed_rates():
    text = run(FAST).output("race")
    table, rates = speed_table(text), measured_rates(text)
    for key, (_, _, rate, vs_a, _) in table.items():
        if rate is not None:
            assert agrees(vs_a, rate, rates["a"], 0.01), (key, vs_a)
    changes = CHANGE.findall(text)
    assert [(new, old) for new, old, *_ in changes] == [
        (new, old) for new, old in [("b", "a"), ("c", "a"), ("d", "b"), ("e", "b"), ("f", "b")] if new in rates]
    for new, old, _, ratio, verdict in changes:
        assert agrees(float(ratio), rates[new], rates[old], 0.01), (new, old, ratio)
        expected = "faster" if float(ratio) >= 1.05 else "slower" if float(ratio) <= 0.95 else "about the same"
        assert verdict == expected, (new, old, ratio, verdict)


def test_timing_noise_lists_the_rounds_of_the_courses_compute_only_timing():
    text = run(FAST).output("race")
    rounds = [int(rate) for rate in NOISE.search(text).group(1).split()]
    assert len(rounds) == 5 and min(rounds) > 0


def test_in_memory_batches_are_the_batches_totensor_gives():
    assert run(FAST).output("in-memory") == (
        "(50000, 3, 32, 32) torch.uint8: 146 MiB\n"
        "same first batch as ToTensor gives: True\n"
    )
    assert run(FAST).output("channels-last") == "batches are channels_last: True\n"
    assert run(FAST).output("compute-only") == ""


def test_device_workers_and_compile_time_are_reported():
    result = run(FAST)
    if torch.cuda.is_available():
        assert result.output("setup").startswith("device: cuda (")
    else:  # the build gives each run its share of the cores
        assert result.output("setup") == f"device: cpu ({os.cpu_count()} cores, threads for torch: {threads_for(FAST_PATH)})\n"
    assert re.fullmatch(r"starting 2 workers, up to the first batch: \d+\.\d\d s\n", result.output("workers"))
    compiled = re.fullmatch(r"first step, with compiling: (\d+\.\d) s\n", result.output("compile"))
    if compiled:
        assert f"torch.compile (after {compiled.group(1)} s of compiling)" in result.output("race")
    else:
        assert re.fullmatch(r"torch.compile failed: \w+: .*\n", result.output("compile"))


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("training/exercises.py")
    assert result.output("ex1") == "tensor([1, 0, 2])\ntensor(2) tensor(0.6667)\n"
    assert result.output("ex2") == "391 80\n"
    assert result.output("ex3") == "True\nFalse\n"
    for language, (one, two, three) in exercise_answers("training").items():
        assert "`[1, 0, 2]`" in one and "= 0.6667$" in one, language
        assert "391" in two and "80" in two, language
        assert "`True`" in three and "`False`" in three, language
