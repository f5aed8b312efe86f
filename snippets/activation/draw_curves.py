"""Draw the ReLU and Sigmoid curves, with the four numbers of relu_sigmoid.py on them.

Running this from the repo root writes relu_sigmoid_curves.png into the current folder.
"""

import contextlib
import io
import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import torch

with contextlib.redirect_stdout(io.StringIO()):
    chapter = runpy.run_path(str(Path(__file__).with_name("relu_sigmoid.py")))

points = chapter["input"].flatten()
curves = [("ReLU", chapter["tudui"].relu1, chapter["output"].flatten(), "#d62728"),
          ("Sigmoid", chapter["sigmoid1"], chapter["output_sigmoid"].flatten(), "#1f77b4")]
x = torch.linspace(-5, 5, 401)

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, (name, layer, outputs, colour) in zip(axes, curves):
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.plot(x, layer(x), color=colour, linewidth=2.4, label=f"{name}(x)")
    ax.scatter(points, outputs, color="black", zorder=3, label="the 4 numbers of the 2×2 input")
    for px, py in zip(points.tolist(), outputs.tolist()):
        left = px <= -1 or (px < 0 and name == "Sigmoid")
        ax.annotate(f"({px:g}, {py:.4g})", (px, py), textcoords="offset points", fontsize=9,
                    xytext=(-7, 7) if left else (6, 7) if px < 0 else (7, -15), ha="right" if left else "left",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    ax.set_title(name, fontsize=13)
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
axes[0].set_ylim(-1, 5)
axes[1].set_ylim(-0.1, 1.1)
axes[1].axhline(1, color="#999999", linewidth=0.8, linestyle="--")
fig.tight_layout()
fig.savefig("relu_sigmoid_curves.png", dpi=130, metadata={"Software": None})
plt.close(fig)
print("wrote relu_sigmoid_curves.png")
