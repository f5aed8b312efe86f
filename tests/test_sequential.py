"""Chapter 14 · 神经网络_搭建小实战和 Sequential 的使用: the course's CIFAR-10 model."""

from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run
from conftest import exercise_answers, program

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["torch.Size([64, 10])"]

LAYERS = [
    "Conv2d(3, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))",
    "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
    "Conv2d(32, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))",
    "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
    "Conv2d(32, 64, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))",
    "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
    "Flatten(start_dim=1, end_dim=-1)",
    "Linear(in_features=1024, out_features=64, bias=True)",
    "Linear(in_features=64, out_features=10, bias=True)",
]
NAMES = ["conv1", "maxpool1", "conv2", "maxpool2", "conv3", "maxpool3", "flatten", "linear1", "linear2"]


def test_layer_by_layer_model_gives_64_by_10():
    expected = "Tudui(\n" + "".join(f"  ({n}): {layer}\n" for n, layer in zip(NAMES, LAYERS)) + ")\n"
    assert run("sequential/cifar10_layers.py").output("check") == expected + "torch.Size([64, 10])\n"


def test_sequential_model_has_the_same_layers_and_gives_64_by_10():
    expected = ("Tudui(\n  (model1): Sequential(\n"
                + "".join(f"    ({i}): {layer}\n" for i, layer in enumerate(LAYERS))
                + "  )\n)\n")
    assert run("sequential/cifar10_model.py").output("check") == expected + "torch.Size([64, 10])\n"


def test_the_two_models_compute_the_same_function():
    import torch

    ByHand, Tudui = program("sequential/cifar10_layers.py").Tudui, program("sequential/cifar10_model.py").Tudui

    torch.manual_seed(0)
    by_hand, sequential = ByHand(), Tudui()
    by_hand.load_state_dict(dict(zip(by_hand.state_dict(), sequential.state_dict().values())))
    x = torch.rand(2, 3, 32, 32)
    assert torch.equal(by_hand(x), sequential(x))


def test_feature_map_sizes_layer_by_layer():
    # sides 32 -> 16 -> 16 -> 8 -> 8 -> 4, channels 3 -> 32 -> 32 -> 32 -> 32 -> 64, 1024 after Flatten
    assert run("sequential/inspect_model.py").output("shapes") == (
        "input         [64, 3, 32, 32]\n"
        "0 Conv2d      [64, 32, 32, 32]\n"
        "1 MaxPool2d   [64, 32, 16, 16]\n"
        "2 Conv2d      [64, 32, 16, 16]\n"
        "3 MaxPool2d   [64, 32, 8, 8]\n"
        "4 Conv2d      [64, 64, 8, 8]\n"
        "5 MaxPool2d   [64, 64, 4, 4]\n"
        "6 Flatten     [64, 1024]\n"
        "7 Linear      [64, 64]\n"
        "8 Linear      [64, 10]\n"
    )


def test_parameter_count_is_145578():
    assert run("sequential/inspect_model.py").output("parameters") == (
        "model1.0.weight  [32, 3, 5, 5]    2400\n"
        "model1.0.bias    [32]             32\n"
        "model1.2.weight  [32, 32, 5, 5]   25600\n"
        "model1.2.bias    [32]             32\n"
        "model1.4.weight  [64, 32, 5, 5]   51200\n"
        "model1.4.bias    [64]             64\n"
        "model1.7.weight  [64, 1024]       65536\n"
        "model1.7.bias    [64]             64\n"
        "model1.8.weight  [10, 64]         640\n"
        "model1.8.bias    [10]             10\n"
        "total: 145578\n"
    )


def graph_scopes(snippet):
    result = run(snippet)
    assert result.output() == ""
    events = EventAccumulator(str(result.files / "logs"))
    events.Reload()
    assert events.Tags()["graph"]
    return {node.name.rsplit("/", 1)[0] for node in events.Graph().node}


def test_add_graph_records_the_sequential_layers_inside_tudui():
    scopes = graph_scopes("sequential/add_graph.py")
    for index, layer in enumerate(LAYERS):
        assert f"Tudui/Sequential[model1]/{layer.split('(')[0]}[{index}]" in scopes


def test_add_graph_of_the_layer_by_layer_model_names_each_attribute():
    scopes = graph_scopes("sequential/add_graph_layers.py")
    for name, layer in zip(NAMES, LAYERS):
        assert f"Tudui/{layer.split('(')[0]}[{name}]" in scopes


def test_model_figure_is_drawn_from_a_real_run():
    figure = run("sequential/draw_model_figure.py")
    assert figure.output() == (
        "wrote cifar10_model.png: [3, 32, 32] -> [32, 32, 32] -> [32, 16, 16] -> [32, 16, 16] -> [32, 8, 8]"
        " -> [64, 8, 8] -> [64, 4, 4] -> [1024] -> [64] -> [10]\n"
    )
    assert "snippets/sequential/cifar10_model.py" in figure.dependencies
    with Image.open(figure.file("cifar10_model.png")) as image:
        width, height = image.size
        assert width > 1000 and height > 400
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 50, "the figure looks blank"


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("sequential/exercises.py")
    assert result.output("ex1") == "torch.Size([64, 576])\ntorch.Size([64, 1024])\n"
    assert result.output("ex2") == "51264\n"
    assert result.output("ex3") == "torch.Size([1, 4096])\n"
    for language, (one, two, three) in exercise_answers("sequential").items():
        assert "= 576$" in one and "`padding=2`" in one, language
        assert "51264" in two, language
        assert "= 4096$" in three and "`Linear(4096, 64)`" in three, language
