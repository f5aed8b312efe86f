"""Chapter 20 · GPU训练: way 1 .cuda(), way 2 .to(device), way 3 nn.DataParallel, and DDP with torchrun."""

import re

import pytest
from torch.utils.data.distributed import DistributedSampler

from book import runner
from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = [re.compile(r"\[rank 0\] last loss, mean over 2 processes: \d+\.\d{4}")]

BASICS = "gpu_training/device_basics.py"
WAY1 = "gpu_training/train_gpu_1.py"
WAY2 = "gpu_training/train_gpu_2.py"
LOSS_LINE = re.compile(r"^step (\d+), loss (\d+\.\d{4})$")
NO_CUDA = ("RuntimeError: Found no NVIDIA driver on your system", "AssertionError: Torch not compiled with CUDA enabled")


def on_gpu(result):
    return result.device.startswith("GPU")


def test_is_available_without_parentheses_is_a_truthy_function():
    result = run(BASICS)
    shown = result.output("function")
    assert shown == f"<function is_available at 0x…>\nTrue\n{on_gpu(result)}\n"
    if not on_gpu(result):
        assert shown.endswith("True\nFalse\n")  # the course: is_available() is False on a CPU machine


def test_the_notes_condition_takes_the_cuda_branch_and_fails_without_a_gpu():
    result = run(BASICS)
    shown = result.output("notes-bug")
    if on_gpu(result):
        assert shown == "moved to cuda:0\n"
    else:
        assert shown.startswith(NO_CUDA) and shown.count("\n") == 1, shown


def test_a_plain_loss_has_nothing_to_move_but_a_weighted_one_needs_a_gpu():
    result = run(BASICS)
    shown = result.output("loss")
    if on_gpu(result):
        assert shown == "plain loss: CrossEntropyLoss()\nweighted loss moved to cuda:0\n"
    else:
        assert shown in ("plain loss: CrossEntropyLoss()\nweighted loss: RuntimeError\n",
                         "plain loss: CrossEntropyLoss()\nweighted loss: AssertionError\n")


def test_a_module_moves_in_place_and_a_tensor_returns_a_new_one():
    result = run(BASICS)
    assert result.output("module-to") == "True\nmeta\n"
    assert result.output("tensor-to") == "cpu\nmeta\n"
    assert result.output("forgot") == "Tensor on device meta is not on the expected device cpu!\n"
    assert result.output("cpu-same") == "True\n"


def losses(shown):
    found = [LOSS_LINE.match(line) for line in shown.splitlines()]
    assert all(found), shown
    return [(int(m.group(1)), float(m.group(2))) for m in found]


def test_way_1_trains_six_steps_near_chance_level():
    found = losses(run(WAY1).output("train"))
    assert [step for step, _ in found] == [3, 6]
    # ten classes guessed at random: ln 10 = 2.3026; six steps of SGD barely move it
    assert all(2.2 < loss < 2.4 for _, loss in found), found


def test_way_2_prints_the_device_and_the_same_losses_as_way_1():
    way1, way2 = run(WAY1), run(WAY2)
    assert way2.output("device") == ("cuda\n" if on_gpu(way2) else "cpu\n")
    assert way2.output("data") == way2.output("model") == ""
    if way1.device == way2.device == "CPU":
        assert way2.output("train") == way1.output("train")
    else:  # GPU kernels may round differently from run to run
        pairs = zip(losses(way1.output("train")), losses(way2.output("train")))
        assert all(s1 == s2 and abs(l1 - l2) < 0.01 for (s1, l1), (s2, l2) in pairs)


def test_the_timing_line_is_printed_and_positive():
    # the time differs on every run: only its form and sign are fixed
    result = run(WAY2)
    match = re.fullmatch(r"6 steps on (cpu|cuda): (\d+\.\d\d) s\n", result.output("time"))
    assert match, result.output("time")
    assert match.group(1) == ("cuda" if on_gpu(result) else "cpu")
    assert float(match.group(2)) > 0


def test_data_parallel_without_a_gpu_just_calls_the_module():
    result = run(BASICS)
    if on_gpu(result):
        pytest.skip("with a GPU, DataParallel scatters the batch")
    assert result.output("dp-wrap") == "[]\nTrue\n"
    assert result.output("dp-forward") == "torch.Size([64, 10])\nTrue\n"
    assert result.output("dp-keys") == (
        "['module.model1.0.weight', 'module.model1.0.bias']\n"
        "['model1.0.weight', 'model1.0.bias']\n"
    )


def test_ddp_script_started_with_plain_python_misses_torchrun_variables():
    result = run("gpu_training/ddp_train.py")
    assert result.output("imports") == ""
    shown = result.output("setup")
    assert shown.startswith("Traceback (most recent call last):\n")
    assert '    local_rank = int(os.environ["LOCAL_RANK"])\n' in shown
    assert shown.rstrip().endswith("KeyError: 'LOCAL_RANK'")
    for section in ("data", "model", "train", "check"):
        assert result.output(section) == ""


RANK_LINE = re.compile(r"^\[rank (\d)\] (.*)$")


@pytest.fixture(scope="module")
def launched():
    # The build's run: launch_ddp.py's record names ddp_train.py, the program it starts, so an
    # edit of it runs the launch again.
    result = run("gpu_training/launch_ddp.py")
    assert "snippets/gpu_training/ddp_train.py" in result.dependencies
    return result


def ddp_report(launched):
    shown = launched.output("launch")
    by_rank = {}
    for line in shown.splitlines():
        match = RANK_LINE.match(line)
        assert match, f"a line without its rank: {line!r}"
        by_rank.setdefault(int(match.group(1)), []).append(match.group(2))
    # sorted by rank, each rank's lines in the order it printed them
    assert shown.splitlines() == [f"[rank {r}] {text}" for r in sorted(by_rank) for text in by_rank[r]]
    return by_rank


def field(lines, prefix):
    found = [line[len(prefix):].strip() for line in lines if line.startswith(prefix)]
    assert len(found) == 1, (prefix, lines)
    return found[0]


def test_the_workers_reading_stand_in_data_marks_the_output(launched):
    expected = ["CIFAR-10"] if runner.data_mode() == "standin" else []
    assert launched.standin_data == expected


def test_both_ranks_ran_in_a_world_of_two(launched):
    report = ddp_report(launched)
    assert sorted(report) == [0, 1]
    for rank, lines in report.items():
        assert lines[0] in ("world size 2, backend gloo, device cpu", f"world size 2, backend nccl, device cuda:{rank}")


def test_each_rank_saw_half_of_the_images_in_every_epoch(launched):
    report = ddp_report(launched)
    for epoch in (0, 1):
        firsts = []
        for rank in (0, 1):
            shown = field(report[rank], f"epoch {epoch}:")
            match = re.fullmatch(r"64 of 128 images, first indices \[(\d+), (\d+), (\d+)\]", shown)
            assert match, shown
            printed = [int(i) for i in match.groups()]
            # the printed indices are those of DistributedSampler, whose two halves split the data
            sampler = DistributedSampler(range(128), num_replicas=2, rank=rank)
            sampler.set_epoch(epoch)
            assert list(sampler)[:3] == printed
            firsts.append(printed)
        halves = []
        for rank in (0, 1):
            sampler = DistributedSampler(range(128), num_replicas=2, rank=rank)
            sampler.set_epoch(epoch)
            halves.append(set(sampler))
        assert len(halves[0]) == len(halves[1]) == 64 and halves[0] | halves[1] == set(range(128))
        assert firsts[0] != firsts[1]
    assert field(report[0], "epoch 0:") != field(report[0], "epoch 1:")


def test_ddp_copies_rank_0s_weights_and_the_ranks_end_identical(launched):
    report = ddp_report(launched)
    before = [float(field(report[r], "checksum before DDP:")) for r in (0, 1)]
    after_wrap = [float(field(report[r], "checksum after DDP:")) for r in (0, 1)]
    trained = [float(field(report[r], "checksum after training:")) for r in (0, 1)]
    assert before[0] != before[1], "the two processes were meant to start from different weights"
    assert after_wrap == [before[0], before[0]]
    assert trained[0] == trained[1] != after_wrap[0]


def test_rank_0_prints_the_loss_averaged_over_both_processes(launched):
    report = ddp_report(launched)
    mean = field(report[0], "last loss, mean over 2 processes:")
    assert 2.0 < float(mean) < 2.6
    assert not [line for line in report[1] if line.startswith("last loss")]


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("gpu_training/exercises.py")
    assert result.output("ex1") == "cpu\nmeta\n"
    assert result.output("ex2") == "meta\n"
    assert result.output("ex3") == "['module.weight', 'module.bias']\n['weight', 'bias']\n"
    for language, (one, two, three) in exercise_answers("gpu-training").items():
        assert "`cpu`" in one and "`meta`" in one, language
        assert "`meta`" in two, language
        assert "`module.weight`" in three and "`weight`" in three and "`bias`" in three, language
