"""Chapter 16 · 优化器: SGD lowers the summed loss every epoch; without zero_grad it blows up."""

import re

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = [re.compile(r"epoch 2: summed loss \d+\.\d{4}")]


def summed_losses(text):
    return [float(v) for v in re.findall(r"^epoch \d+: summed loss (\S+)$", text, re.MULTILINE)]


def test_summed_loss_falls_every_epoch():
    result = run("optimizer/sgd_training_loop.py")
    losses = summed_losses(result.output("loop"))
    assert len(losses) == 3
    assert all(later < earlier for earlier, later in zip(losses, losses[1:])), losses
    # 500 pictures: an untrained model starts near 500 * log(10) ≈ 1151; three epochs bring it down
    assert 0.6 * 1151 < losses[0] < 1.1 * 1151 and losses[-1] < 0.95 * losses[0]


def test_the_losses_are_also_in_tensorboard():
    result = run("optimizer/sgd_training_loop.py")
    events = EventAccumulator(str(result.files / "logs"))
    events.Reload()
    logged = [(p.step, p.value) for p in events.Scalars("running_loss")]
    printed = summed_losses(result.output("loop"))
    assert [step for step, _ in logged] == list(range(len(printed)))
    assert all(abs(value - expected) < 1e-2 for (_, value), expected in zip(logged, printed))  # stored as float32


def test_backward_adds_to_grad_and_training_without_zero_grad_diverges():
    assert run("optimizer/grad_accumulates.py").output("accumulate") == "True\n"
    assert run("optimizer/without_zero_grad.py").output("training") == "epoch 0: summed loss nan\nepoch 1: summed loss nan\n"


def test_zero_grad_sets_grad_to_none_unless_told_to_fill_zeros():
    # Since torch 2.0 zero_grad() defaults to set_to_none=True; the video's debugger showed zeros.
    result = run("optimizer/zero_grad_none.py")
    assert result.output("none") == "torch.Size([32, 3, 5, 5])\nNone\n"
    zeros = result.output("zeros").splitlines()
    assert zeros[0] == "torch.Size([32, 3, 5, 5])"
    assert "\n".join(zeros[1:]) == (
        "tensor([[0., 0., 0., 0., 0.],\n"
        "        [0., 0., 0., 0., 0.],\n"
        "        [0., 0., 0., 0., 0.],\n"
        "        [0., 0., 0., 0., 0.],\n"
        "        [0., 0., 0., 0., 0.]])"
    )


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("optimizer/exercises.py")
    assert result.output("ex1") == "tensor([2.])\ntensor([0.8000], requires_grad=True)\n"
    assert result.output("ex2") == "tensor([0.6400])\ntensor([0.4400])\n"
    assert result.output("ex3") == "0 -2.0\n1 4.0\n2 -8.0\n"
    for language, (one, two, three) in exercise_answers("optimizer").items():
        assert "= 0.8$" in one, language
        assert "= 0.64$" in two and "= 0.44$" in two, language
        assert "-2、4、-8" in three or "-2, 4, -8" in three, language
