# The training chapter's last checkpoint, tudui_2.pth, on the 10000 test images it never trained on.

# --8<-- [start:load]
import matplotlib.pyplot as plt
import torch
import torchvision
from torch.utils.data import DataLoader

from model import Tudui  # model.py, next to this file

test_data = torchvision.datasets.CIFAR10("./dataset", train=False,
                                         transform=torchvision.transforms.ToTensor(),
                                         download=True)
tudui = Tudui()
tudui.load_state_dict(torch.load("tudui_2.pth", map_location=torch.device("cpu")))
tudui.eval()
# --8<-- [end:load]

# --8<-- [start:accuracy]
right = torch.zeros(10, dtype=torch.long)  # per class: how many were recognised
total = torch.zeros(10, dtype=torch.long)  # per class: how many there are
with torch.no_grad():
    for imgs, targets in DataLoader(test_data, batch_size=64):
        predictions = tudui(imgs).argmax(1)
        total += torch.bincount(targets, minlength=10)
        right += torch.bincount(targets[predictions == targets], minlength=10)

print(f"test accuracy: {right.sum() / total.sum():.4f} ({right.sum()} of {total.sum()})")
for name, r, t in zip(test_data.classes, right, total):
    print(f"  {name:<10} {r / t:.2f}")
# --8<-- [end:accuracy]

# --8<-- [start:grid]
fig, axes = plt.subplots(2, 8, figsize=(12, 3.6))
with torch.no_grad():
    for index, ax in enumerate(axes.flat):
        img, target = test_data[index]
        prediction = tudui(img.reshape(1, 3, 32, 32)).argmax(1).item()
        ax.imshow(img.permute(1, 2, 0))  # (C, H, W) -> (H, W, C) for matplotlib
        ax.set_title(f"{test_data.classes[prediction]}\n({test_data.classes[target]})", fontsize=9,
                     color="green" if prediction == target else "red")
        ax.axis("off")
fig.tight_layout()
fig.savefig("test_images.png", dpi=100, metadata={"Software": None})
print("right:", sum(ax.title.get_color() == "green" for ax in axes.flat), "of", axes.size)
# --8<-- [end:grid]
