# --8<-- [start:load]
import torchvision
from torch.utils.tensorboard import SummaryWriter


train_set = torchvision.datasets.CIFAR10(root="./dataset", train=True,
                                         download=True)
test_set = torchvision.datasets.CIFAR10(root="./dataset", train=False,
                                        download=True)
print(len(train_set), len(test_set))
print(torchvision.datasets.CIFAR10.url)
# --8<-- [end:load]

# --8<-- [start:first-item]
print(test_set[0])
print(test_set.classes)

img, target = test_set[0]
print(img)
print(target)
print(test_set.classes[target])
# --8<-- [end:first-item]

# --8<-- [start:transform]
dataset_transform = torchvision.transforms.Compose([
    torchvision.transforms.ToTensor()
])
test_set = torchvision.datasets.CIFAR10(root="./dataset", train=False,
                                        transform=dataset_transform,
                                        download=True)
img, target = test_set[0]
print(img.shape, target)
# --8<-- [end:transform]

# --8<-- [start:tensorboard]
writer = SummaryWriter("logs")
for i in range(10):
    img, target = test_set[i]
    writer.add_image("test_set", img, i)
writer.close()
# --8<-- [end:tensorboard]
