"""Chapter 13 · 神经网络_线性层及其他层: the values the course shows, to the digit."""

import re

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["torch.Size([196608])"]

FLATTEN = "linear/linear_flatten.py"


def test_drop_last_leaves_156_full_batches_of_the_10000_test_images():
    assert run(FLATTEN).output("data") == "10000 156\n"


def test_linear_layer_maps_196608_inputs_to_10_outputs():
    assert run(FLATTEN).output("model") == (
        "Tudui(\n"
        "  (linear1): Linear(in_features=196608, out_features=10, bias=True)\n"
        ")\n"
        "torch.Size([10, 196608])\n"
        "torch.Size([10])\n"
    )


def test_flatten_turns_a_whole_batch_into_one_vector():
    assert run(FLATTEN).output("flatten") == (
        "torch.Size([64, 3, 32, 32])\n"
        "torch.Size([196608])\n"
        "torch.Size([10])\n"
    )


def test_reshape_to_1_1_1_minus_1():
    assert run(FLATTEN).output("reshape") == (
        "torch.Size([1, 1, 1, 196608])\n"
        "torch.Size([1, 1, 1, 10])\n"
    )


def test_flatten_per_image_keeps_the_batch_dimension():
    assert run(FLATTEN).output("per-image") == (
        "torch.Size([64, 3072])\n"
        "torch.Size([64, 3072])\n"
        "torch.Size([64, 10])\n"
    )


def test_the_last_batch_of_16_images_fails_without_drop_last():
    result = run("linear/last_batch_error.py")
    # 157 batches over the full test set; the last 80 images make one full batch and the short one
    assert result.output("subset") == "157\n80 2\n"
    shown = result.output("fails")
    assert shown.startswith(
        "torch.Size([64, 3, 32, 32])\n"
        "torch.Size([196608])\n"
        "torch.Size([10])\n"
        "torch.Size([16, 3, 32, 32])\n"
        "torch.Size([49152])\n"
        "Traceback (most recent call last):\n"
    )
    assert "output = tudui(output)" in shown
    assert shown.rstrip().endswith(
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x49152 and 196608x10)"
    )


def tensor_values(text):
    return [float(v) for v in re.findall(r"-?\d+\.\d*", text)]


def test_dropout_zeroes_about_half_and_doubles_the_rest_in_train_mode():
    result = run("linear/dropout_train_eval.py")
    train = result.output("train")
    assert train.startswith("True\ntensor([[")
    values = tensor_values(train)
    assert len(values) == 16
    assert set(values) == {0.0, 2.0}, "every element is either dropped or scaled by 1/(1-p) = 2"

    zeros_line, sum_line = result.output("many").splitlines()
    zeros = int(zeros_line.removesuffix(" of 10000 are zero"))
    assert 4800 <= zeros <= 5200
    assert 9600 <= float(sum_line) <= 10400, "scaling keeps the sum near that of the input"
    assert float(sum_line) == 2 * (10000 - zeros)


def test_dropout_does_nothing_in_eval_mode():
    assert run("linear/dropout_train_eval.py").output("eval") == (
        "False\n"
        "tensor([[1., 1., 1., 1., 1., 1., 1., 1.],\n"
        "        [1., 1., 1., 1., 1., 1., 1., 1.]])\n"
    )


def test_batchnorm_uses_batch_statistics_in_train_mode():
    shown = run("linear/batchnorm_train_eval.py").output("train")
    # (x - 3) / sqrt(2.5): the batch mean is 3 and its variance 2.5
    assert shown == (
        "BatchNorm2d(1, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)\n"
        "tensor([-1.2649, -0.6325,  0.6325,  1.2649], grad_fn=<ViewBackward0>)\n"
        "tensor([0.3000]) tensor([1.2333])\n"
    )


def test_batchnorm_uses_running_statistics_in_eval_mode():
    result = run("linear/batchnorm_train_eval.py")
    # (x - 0.3) / sqrt(1.2333): one step of momentum 0.1 from mean 0, variance 1
    assert result.output("eval") == "tensor([0.6303, 1.5308, 3.3317, 4.2321], grad_fn=<ViewBackward0>)\n"
    # after many batches the running mean nears 3 and the running variance 10/3 (unbiased)
    assert result.output("more-batches") == (
        "tensor([2.9999]) tensor([3.3333])\n"
        "tensor([-1.0954, -0.5477,  0.5478,  1.0955], grad_fn=<ViewBackward0>)\n"
    )


def test_the_seeded_dropout_numbers_quoted_on_the_page():
    # The page's prose counts these: 7 zeros among the 16, 5044 among the 10000, sum 9912.
    result = run("linear/dropout_train_eval.py")
    assert tensor_values(result.output("train")).count(0.0) == 7
    assert result.output("many") == "5044 of 10000 are zero\n9912.0\n"


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("linear/exercises.py")
    assert result.output("ex1") == "torch.Size([10, 3072]) torch.Size([10])\ntorch.Size([16, 10])\n"
    assert result.output("ex2") == "torch.Size([196608])\ntorch.Size([64, 3072])\ntorch.Size([64, 3072])\n"
    assert result.output("ex3") == "False True\n"
    for language, (one, two, three) in exercise_answers("linear-layers").items():
        assert all(shape in one for shape in ("`[10, 3072]`", "`[10]`", "`[16, 10]`")), language
        assert "`[196608]`" in two and two.count("`[64, 3072]`") == 2, language
        assert "`model.eval()`" in three and "`False`" in three and "`True`" in three, language
