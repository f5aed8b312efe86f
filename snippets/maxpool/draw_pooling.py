"""Draw the pooling windows of MaxPool2d(kernel_size=3) on the 5×5 input of maxpool_5x5.py.

Left: ceil_mode=True keeps the windows that run past the edge; right: ceil_mode=False
drops them. Running this from the repo root writes maxpool_windows.png into the current folder.
"""

import contextlib
import io
import runpy
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

with contextlib.redirect_stdout(io.StringIO()):
    chapter = runpy.run_path(str(Path(__file__).with_name("maxpool_5x5.py")))

image = chapter["input"][0, 0].int().tolist()
pool = chapter["tudui"].maxpool1
k, s = pool.kernel_size, pool.stride
n = len(image)
COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"]


def cell(ax, x, y, text, face="white", edge="#555555", style="-", colour="black", bold=False):
    ax.add_patch(Rectangle((x, y), 1, 1, facecolor=face, edgecolor=edge, linewidth=0.8, linestyle=style))
    if text != "":
        ax.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=12, color=colour,
                fontweight="bold" if bold else "normal")


def panel(ax, left, output, title):
    rows, cols = output.shape[-2:]
    top = n + 1  # leave room for the part of the windows that hangs over the edge
    ax.text(left + n / 2 + 0.5, top + 0.6, title, ha="center", fontsize=13)
    for r in range(n):
        for c in range(n):
            cell(ax, left + c, top - r - 1, image[r][c])
    for i in range(rows):
        for j in range(cols):
            colour = COLOURS[(i * cols + j) % len(COLOURS)]
            r0, c0 = i * s, j * s
            inside = [(r, c) for r in range(r0, r0 + k) for c in range(c0, c0 + k) if r < n and c < n]
            best = max(inside, key=lambda rc: image[rc[0]][rc[1]])
            for r in range(r0, r0 + k):
                for c in range(c0, c0 + k):
                    if r >= n or c >= n:  # outside the input: nothing to take a maximum of
                        cell(ax, left + c, top - r - 1, "", face="#f3f3f3", edge="#bbbbbb", style=":")
            ax.add_patch(Rectangle((left + c0 + 0.06, top - r0 - k + 0.06), k - 0.12, k - 0.12, fill=False,
                                   edgecolor=colour, linewidth=2.6, linestyle="-" if len(inside) == k * k else "--"))
            ax.add_patch(Rectangle((left + best[1] + 0.2, top - best[0] - 0.8), 0.6, 0.6, fill=False,
                                   edgecolor=colour, linewidth=1.6))
    out_left = left + n / 2 + 0.5 - cols / 2
    out_top = -1.2
    ax.text(out_left + cols / 2, out_top + 0.3, f"output ({rows}×{cols})", ha="center", fontsize=11)
    for i in range(rows):
        for j in range(cols):
            colour = COLOURS[(i * cols + j) % len(COLOURS)]
            cell(ax, out_left + j, out_top - i - 1, int(output[0, 0, i, j]), edge=colour, colour=colour, bold=True)
    if rows * cols == 1:
        ax.text(left + n / 2 + 0.5, -4.6, "windows that are not full are dropped", ha="center",
                fontsize=10, color="#555555")
    else:
        ax.text(left + n / 2 + 0.5, -4.6, "dashed: windows that run past the edge are kept", ha="center",
                fontsize=10, color="#555555")


fig, ax = plt.subplots(figsize=(11, 6.2))
panel(ax, 0, chapter["output"], "ceil_mode=True")
panel(ax, 8.5, chapter["output_floor"], "ceil_mode=False")
ax.set_aspect("equal")
ax.axis("off")
ax.autoscale_view()
fig.savefig("maxpool_windows.png", dpi=150, bbox_inches="tight", metadata={"Software": None})
plt.close(fig)
print(f"kernel_size={k}, stride={s}: wrote maxpool_windows.png")
