"""Draw the chapter's figures from the tensors of functional_conv2d.py.

Running this from the repo root writes conv2d_one_step.png and
conv2d_stride_padding.png into the current folder.
"""

import contextlib
import io
import runpy
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

with contextlib.redirect_stdout(io.StringIO()):
    chapter = runpy.run_path(str(Path(__file__).with_name("functional_conv2d.py")))

image = chapter["input"][0, 0].tolist()
kernel = chapter["kernel"][0, 0].tolist()
k = len(kernel)
RED, BLUE, GREY = "#d62728", "#1f77b4", "#e6e6e6"


def draw_grid(ax, values, left, top, title, padded=0):
    rows, cols = len(values), len(values[0])
    for r in range(rows):
        for c in range(cols):
            border = r < padded or c < padded or r >= rows - padded or c >= cols - padded
            ax.add_patch(Rectangle((left + c, top - r - 1), 1, 1, facecolor=GREY if border else "white",
                                   edgecolor="#555555", linewidth=0.8))
            ax.text(left + c + 0.5, top - r - 0.5, str(values[r][c]), ha="center", va="center",
                    fontsize=11, color="#888888" if border else "black")
    ax.text(left + cols / 2, top + 0.35, title, ha="center", va="bottom", fontsize=11)


def outline(ax, left, top, row, col, size, color, dashed=False):
    ax.add_patch(Rectangle((left + col, top - row - size), size, size, fill=False, edgecolor=color,
                           linewidth=2.6, linestyle="--" if dashed else "-"))


def finish(fig, ax, name):
    ax.set_aspect("equal")
    ax.axis("off")
    ax.autoscale_view()
    fig.savefig(name, dpi=160, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def one_step():
    out = chapter["output1"][0, 0].tolist()
    fig, ax = plt.subplots(figsize=(9, 3.6))
    draw_grid(ax, image, 0, 5, "input (5×5)")
    outline(ax, 0, 5, 0, 0, k, RED)
    ax.text(6.0, 2.5, "*", fontsize=22, ha="center", va="center")
    draw_grid(ax, kernel, 7, 4, "kernel (3×3)")
    ax.text(11.0, 2.5, "=", fontsize=20, ha="center", va="center")
    draw_grid(ax, out, 12, 4, "output (3×3)")
    outline(ax, 12, 4, 0, 0, 1, RED)
    terms = " + ".join(f"{image[r][c]}×{kernel[r][c]}" for r in range(k) for c in range(k))
    ax.text(7.5, -0.8, f"{terms} = {out[0][0]}", ha="center", va="center", fontsize=11, color=RED)
    finish(fig, ax, "conv2d_one_step.png")


def stride_and_padding():
    cases = [("stride=1", 1, 0, chapter["output1"]),
             ("stride=2", 2, 0, chapter["output2"]),
             ("stride=1, padding=1", 1, 1, chapter["output3"])]
    fig, ax = plt.subplots(figsize=(12, 7.5))
    left = 0
    for title, stride, padding, output in cases:
        size = len(image) + 2 * padding
        grid = [[0] * size for _ in range(size)]
        for r, row in enumerate(image):
            for c, value in enumerate(row):
                grid[r + padding][c + padding] = value
        out = output[0, 0].tolist()
        draw_grid(ax, grid, left, 14, f"{title}", padded=padding)
        outline(ax, left, 14, 0, 0, k, RED)
        outline(ax, left, 14, 0, stride, k, BLUE, dashed=True)
        out_left = left + (size - len(out)) / 2
        draw_grid(ax, out, out_left, 6, f"output ({len(out)}×{len(out[0])})")
        outline(ax, out_left, 6, 0, 0, 1, RED)
        outline(ax, out_left, 6, 0, 1, 1, BLUE, dashed=True)
        left += size + 1.5
    finish(fig, ax, "conv2d_stride_padding.png")


one_step()
stride_and_padding()
print("wrote conv2d_one_step.png and conv2d_stride_padding.png")
