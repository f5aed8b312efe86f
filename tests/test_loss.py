"""Chapter 15 · 损失函数与反向传播: the course's loss values to the digit, and backward()."""

import math
import re

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["tensor(0.6667)", "tensor(1.1019)"]

LOSSES = "loss/l1_mse_cross_entropy.py"


def test_l1_loss_mean_and_sum():
    # The course's slide says 0.6 for the mean: an arithmetic slip, 2 / 3 is right.
    assert run(LOSSES).output("l1") == "tensor(0.6667)\ntensor(2.)\n"


def test_mse_loss():
    assert run(LOSSES).output("mse") == "tensor(1.3333)\n"


def test_cross_entropy_and_the_same_value_by_hand():
    assert run(LOSSES).output("cross-entropy") == "tensor(1.1019)\n"
    assert run(LOSSES).output("by-hand") == "tensor(1.1019)\n"


def test_requires_grad_records_a_graph_and_backward_fills_grad():
    result = run("loss/requires_grad.py")
    assert result.output("graph") == (
        "tensor(14., grad_fn=<SumBackward0>)\n"
        "<SumBackward0 object at 0x…>\n"
        "((<PowBackward0 object at 0x…>, 0),)\n"
        "None\n"
    )
    assert result.output("backward") == "tensor([2., 4., 6.])\n"  # dy/dx = 2x at 1, 2, 3
    assert result.output("parameters") == "False None\nTrue\n"


def test_untrained_model_loss_is_near_log_10_and_backward_fills_grad():
    result = run("loss/backward_on_cifar10.py")
    forward = result.output("forward").splitlines()
    assert forward[-2] == "tensor([3])"  # test image 0 is a cat
    loss = float(re.fullmatch(r"tensor\(([\d.]+), grad_fn=<NllLossBackward0>\)", forward[-1]).group(1))
    assert abs(loss - math.log(10)) < 0.3
    backward = result.output("backward").splitlines()
    assert backward[0] == "None"
    assert backward[1] == "torch.Size([32, 3, 5, 5])"
    values = [float(v) for v in re.findall(r"-?\d+\.\d+", "\n".join(backward[2:]))]
    assert len(values) == 25 and any(v != 0 for v in values)


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("loss/exercises.py")
    assert result.output("ex1") == "tensor(1.3333)\ntensor(3.3333)\n"
    assert result.output("ex2") == "tensor(1.0986)\ntensor(1.0986)\n"
    assert result.output("ex3") == "tensor([3., 3., 3.])\n"
    for language, (one, two, three) in exercise_answers("loss").items():
        assert "= 1.3333$" in one and "= 3.3333$" in one, language
        assert "\\approx 1.0986$" in two, language
        assert "`[3., 3., 3.]`" in three, language
