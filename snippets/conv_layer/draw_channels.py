"""Draw how Conv2d(3, 6, 3) turns 3 input channels into 6 output channels.

A photograph is shrunk to 32×32 like a CIFAR-10 image; each of the 6 kernels has one
3×3 slice per input channel, and produces one 30×30 output channel. Running this from
the repo root writes conv_channels.png into the current folder.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from PIL import Image
from torch.nn import Conv2d
from matplotlib import cbook

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

torch.manual_seed(0)
photo = Image.open(PHOTO).convert("RGB")
side = min(photo.size)
photo = photo.crop((0, 0, side, side)).resize((32, 32), Image.BILINEAR)
image = torch.tensor(np.array(photo), dtype=torch.float32).permute(2, 0, 1) / 255

conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=3, stride=1, padding=0)
with torch.no_grad():
    output = conv1(image.reshape(1, 3, 32, 32))[0]
weight = conv1.weight.detach()
print("input", tuple(image.shape), "weight", tuple(weight.shape), "output", tuple(output.shape))

CHANNELS = [("R", "Reds"), ("G", "Greens"), ("B", "Blues")]
fig = plt.figure(figsize=(10, 8))
left = fig.add_gridspec(3, 1, left=0.02, right=0.20, top=0.86, bottom=0.10, hspace=0.35)
for c, (name, cmap) in enumerate(CHANNELS):
    ax = fig.add_subplot(left[c])
    ax.imshow(image[c], cmap=cmap + "_r", vmin=0, vmax=1)
    ax.set_title(f"input channel {name} (32×32)", fontsize=9)
    ax.axis("off")

right = fig.add_gridspec(6, 5, left=0.32, right=0.98, top=0.86, bottom=0.04, hspace=0.25, wspace=0.15,
                         width_ratios=[1, 1, 1, 0.7, 2.2])
limit = float(weight.abs().max())
for k in range(6):
    for c, (name, _) in enumerate(CHANNELS):
        ax = fig.add_subplot(right[k, c])
        ax.imshow(weight[k, c], cmap="coolwarm", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        if k == 0:
            ax.set_title(f"slice for {name}", fontsize=9)
        if c == 0:
            ax.set_ylabel(f"kernel {k}", fontsize=9, rotation=0, ha="right", va="center")
    ax = fig.add_subplot(right[k, 3])
    ax.text(0.5, 0.5, "sum →", ha="center", va="center", fontsize=11)
    ax.axis("off")
    ax = fig.add_subplot(right[k, 4])
    ax.imshow(output[k], cmap="gray")
    ax.axis("off")
    ax.text(1.04, 0.5, f"output\nchannel {k}", transform=ax.transAxes, fontsize=9, va="center")

fig.text(0.26, 0.48, "*", fontsize=30, ha="center", va="center")
fig.text(0.5, 0.95, "Conv2d(3, 6, kernel_size=3): 6 kernels, one per output channel; "
         "each kernel has a 3×3 slice for every input channel", ha="center", fontsize=11)
fig.text(0.62, 0.905, f"weight: {list(weight.shape)} = [out_channels, in_channels, 3, 3]",
         ha="center", fontsize=10, color="#555555")
fig.savefig("conv_channels.png", dpi=120, metadata={"Software": None})
plt.close(fig)
print("wrote conv_channels.png")
