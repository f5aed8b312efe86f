"""Draw the chapter's picture of the CIFAR-10 model from a real run, layer by layer.

Running this from the repo root writes cifar10_model.png into the current folder.
"""

import math

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyArrowPatch, Rectangle

from torch import nn

from cifar10_model import Tudui  # cifar10_model.py, next to this file

tudui = Tudui()
x = torch.ones((1, 3, 32, 32))
stages = [("input", list(x.shape[1:]))]
for layer in tudui.model1:
    x = layer(x)
    if isinstance(layer, torch.nn.Conv2d):
        name = f"Conv2d {layer.kernel_size[0]}×{layer.kernel_size[1]}\npadding={layer.padding[0]}"
    elif isinstance(layer, torch.nn.MaxPool2d):
        name = f"MaxPool2d\n{layer.kernel_size}×{layer.kernel_size}"
    else:
        name = type(layer).__name__
    stages.append((name, list(x.shape[1:])))

COLOURS = {3: "#9ecae1", 32: "#fdae6b", 64: "#a1d99b"}
PER_ROW = 5
STEP, ROW_GAP = 4.4, 4.4
ARROW = dict(arrowstyle="-|>", mutation_scale=14, color="#555555", linewidth=1.2)


def draw_stage(ax, cx, cy, shape):
    """Draw one feature map (stacked squares) or vector (a bar); return its half width."""
    if len(shape) == 3:
        channels, size = shape[0], shape[1]
        side = 0.4 + 1.4 * size / 32
        layers = max(2, round(math.log2(channels)))
        shift = 0.07
        for i in reversed(range(layers)):
            ax.add_patch(Rectangle((cx - side / 2 + shift * i, cy - side / 2 + shift * i), side, side,
                                   facecolor=COLOURS.get(channels, "#dddddd"), edgecolor="#444444", linewidth=0.8))
        label, bottom, half = f"{channels}@{size}×{size}", cy - side / 2, side / 2 + shift * layers
    else:
        height = 0.4 + 0.16 * math.log2(shape[0])
        ax.add_patch(Rectangle((cx - 0.12, cy - height / 2), 0.24, height, facecolor="#bcbddc",
                               edgecolor="#444444", linewidth=0.8))
        label, bottom, half = str(shape[0]), cy - height / 2, 0.12
    ax.text(cx, bottom - 0.25, label, ha="center", va="top", fontsize=11)
    return half


def layer_label(ax, x, y, text):
    ax.text(x, y, text, ha="center", va="bottom", fontsize=9.5, color="#b03000", linespacing=1.1)


fig, ax = plt.subplots(figsize=(10.5, 5.4))
placed = []
for i, (name, shape) in enumerate(stages):
    row, col = divmod(i, PER_ROW)
    cx, cy = col * STEP, -row * ROW_GAP
    placed.append((cx, cy, draw_stage(ax, cx, cy, shape)))

for i in range(1, len(stages)):
    (x0, y0, h0), (x1, y1, h1) = placed[i - 1], placed[i]
    if y0 == y1:
        ax.add_patch(FancyArrowPatch((x0 + h0 + 0.15, y0), (x1 - h1 - 0.15, y1), **ARROW))
        layer_label(ax, (x0 + h0 + x1 - h1) / 2, y0 + 0.12, stages[i][0])
    else:
        # wrap to the next row: right, down, left along the gap, then down into the first stage
        middle = (y0 + y1) / 2 - 0.2
        corner = x0 + h0 + 0.6
        ax.plot([x0 + h0 + 0.15, corner, corner, x1], [y0, y0, middle, middle], color="#555555", linewidth=1.2)
        ax.add_patch(FancyArrowPatch((x1, middle), (x1, y1 + 1.25), **ARROW))
        layer_label(ax, (x1 + corner) / 2, middle + 0.1, stages[i][0].replace("\n", ", "))

ax.set_xlim(-1.4, (PER_ROW - 1) * STEP + 1.4)
ax.set_ylim(-ROW_GAP - 1.8, 1.4)
ax.set_aspect("equal")
ax.axis("off")
fig.savefig("cifar10_model.png", dpi=150, bbox_inches="tight", metadata={"Software": None})
print("wrote cifar10_model.png:", " -> ".join(str(shape) for _, shape in stages))
