# --8<-- [start:load]
import torchvision
from torchvision.utils import save_image


to_tensor = torchvision.transforms.ToTensor()
train_set = torchvision.datasets.CIFAR10("./dataset", train=True, transform=to_tensor,
                                         download=True)
test_set = torchvision.datasets.CIFAR10("./dataset", train=False, transform=to_tensor,
                                        download=True)

print(len(train_set), len(test_set))
print(test_set.classes)
# --8<-- [end:load]

# --8<-- [start:grid]
per_class = {label: [] for label in range(10)}
for image, label in train_set:
    if len(per_class[label]) < 8:
        per_class[label].append(image)
    if all(len(images) == 8 for images in per_class.values()):
        break

rows = [image for label in range(10) for image in per_class[label]]
save_image(rows, "cifar10_samples.png", nrow=8, padding=2, pad_value=1.0)
print("one row per class:", ", ".join(test_set.classes))
# --8<-- [end:grid]
