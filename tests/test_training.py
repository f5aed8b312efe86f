"""Chapter 19 · 完整的模型训练套路: set sizes, steps per epoch, argmax accuracy, the training routine."""

import re

import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run
from snippets.sequential.cifar10_model import Tudui

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


def test_three_short_epochs_are_printed_one_line_each():
    text = run(TRAIN).output("loop")
    assert [n for n, *_ in epochs()] == [1, 2, 3]
    assert text.count("\n") == 4  # three epoch lines and the list of checkpoints


def test_losses_fall_every_epoch():
    found = epochs()
    train_losses = [train for _, train, _, _ in found]
    test_losses = [test for _, _, test, _ in found]
    assert all(b < a for a, b in zip(train_losses, train_losses[1:])), train_losses
    assert all(b < a for a, b in zip(test_losses, test_losses[1:])), test_losses
    # An untrained 10-class model starts near ln(10) = 2.3026 per batch; 10 test batches are summed.
    assert 2.25 < train_losses[0] < 2.35
    assert 22.5 < test_losses[0] < 23.5


def test_accuracy_is_still_near_chance_after_150_steps():
    # What the page says: 150 steps are the flat start of the course's first epoch of 782.
    accuracies = [acc for *_, acc in epochs()]
    assert all(0.05 <= acc <= 0.2 for acc in accuracies), accuracies


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
    assert [p.step for p in events.Scalars("train_loss")] == list(range(10, 151, 10))
    printed = epochs()
    for tag, column in (("test_loss", 2), ("test_accuracy", 3)):
        logged = [(p.step, p.value) for p in events.Scalars(tag)]
        assert [step for step, _ in logged] == [1, 2, 3]
        assert all(abs(value - row[column]) < 1e-3 for (_, value), row in zip(logged, printed))
