"""Draw the chapter's before/after figures from the variables of useful_transforms.py.

Running this from the repo root writes chw.png, normalize.png, resize.png and
random_crop.png into the current folder.
"""

import contextlib
import io
import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Circle, Rectangle
from torchvision import transforms

with contextlib.redirect_stdout(io.StringIO()):
    chapter = runpy.run_path(str(Path(__file__).with_name("useful_transforms.py")))

img, img_tensor, img_norm = chapter["img"], chapter["img_tensor"], chapter["img_norm"]
ROW, COL = 284, 188
RED = "#d62728"


def save(fig, name):
    fig.savefig(name, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def chw():
    fig, axes = plt.subplots(1, 4, figsize=(13, 4.2))
    axes[0].imshow(img)
    axes[0].set_title(f"img (PIL): H×W×C = {img.height}×{img.width}×3")
    for channel, name in enumerate(["R", "G", "B"]):
        axes[channel + 1].imshow(img_tensor[channel], cmap="gray", vmin=0, vmax=1)
        axes[channel + 1].set_title(f"img_tensor[{channel}] ({name}): {img.height}×{img.width}")
    for ax in axes:
        ax.axis("off")
    fig.suptitle(f"ToTensor: shape {tuple(img_tensor.shape)} = (C, H, W), values 0…1", y=0.98)
    save(fig, "chw.png")


def normalize():
    fig, axes = plt.subplots(1, 2, figsize=(10, 6))
    shown = [(img_tensor, "img_tensor (0…1)"), (img_norm.clamp(0, 1), "img_norm, drawn like TensorBoard\n(values below 0 shown as 0)")]
    for ax, (picture, title), value in zip(axes, shown, [img_tensor, img_norm]):
        ax.imshow(picture.permute(1, 2, 0))
        ax.add_patch(Circle((COL, ROW), 12, fill=False, edgecolor=RED, linewidth=2))
        ax.text(COL + 18, ROW - 18, f"[0][{ROW}][{COL}] = {value[0][ROW][COL].item():.4f}",
                color="white", fontsize=10, backgroundcolor=RED)
        ax.set_title(title)
        ax.axis("off")
    save(fig, "normalize.png")


def resize():
    pictures = [(img, "original"), (chapter["trans_resize"](img), "Resize((512, 512))"),
                (chapter["trans_resize_2"](img), "Resize(256)")]
    fig, axes = plt.subplots(1, 3, figsize=(13, 5.4), gridspec_kw={"width_ratios": [p.width for p, _ in pictures]})
    for ax, (picture, title) in zip(axes, pictures):
        ax.imshow(picture, extent=(0, picture.width, picture.height, 0))
        ax.set_xlim(0, picture.width)
        ax.set_ylim(img.height, 0)
        ax.set_title(f"{title}\nsize {picture.size}")
        ax.set_aspect("equal")
    save(fig, "resize.png")


def random_crop():
    torch.manual_seed(2)
    boxes = [transforms.RandomCrop.get_params(img, (256, 256)) for _ in range(10)]
    i, j, h, w = boxes[-1]
    replayed = transforms.ToTensor()(img.crop((j, i, j + w, i + h)))
    assert torch.equal(replayed, chapter["img_crop"]), "the boxes do not match the chapter's crops"
    fig, axes = plt.subplots(1, 4, figsize=(14, 4.6), gridspec_kw={"width_ratios": [512, 256, 256, 256]})
    axes[0].imshow(img)
    colours = plt.cm.tab10.colors
    for k, (i, j, h, w) in enumerate(boxes):
        axes[0].add_patch(Rectangle((j, i), w, h, fill=False, edgecolor=colours[k], linewidth=1.8))
    axes[0].set_title("10 crops of 256×256 (torch.manual_seed(2))")
    for ax, k in zip(axes[1:], [0, 1, 9]):
        i, j, h, w = boxes[k]
        ax.imshow(img.crop((j, i, j + w, i + h)))
        for side in ax.spines.values():
            side.set_edgecolor(colours[k])
            side.set_linewidth(4)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"crop {k}: top {i}, left {j}")
    axes[0].axis("off")
    save(fig, "random_crop.png")


chw()
normalize()
resize()
random_crop()
print("wrote chw.png, normalize.png, resize.png and random_crop.png")
