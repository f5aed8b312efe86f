# --8<-- [start:setup]
import torch
import torchvision
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter


torch.manual_seed(0)
to_tensor = torchvision.transforms.ToTensor()
test_data = torchvision.datasets.CIFAR10("./dataset", train=False,
                                         transform=to_tensor, download=True)
test_loader = DataLoader(dataset=test_data, batch_size=64, shuffle=True,
                         num_workers=0, drop_last=False)

img, target = test_data[0]
print(img.shape)
print(target)
# --8<-- [end:setup]

# --8<-- [start:one-batch]
for data in test_loader:
    imgs, targets = data
    print(imgs.shape)
    print(targets)
    break
# --8<-- [end:one-batch]

# --8<-- [start:count]
for drop_last in [False, True]:
    loader = DataLoader(test_data, batch_size=64, drop_last=drop_last)
    step = 0
    for imgs, targets in loader:
        step = step + 1
    print(f"drop_last={drop_last}: {step} steps, last {len(imgs)} images")
    print("len(loader) =", len(loader))
# --8<-- [end:count]

# --8<-- [start:epochs]
writer = SummaryWriter("logs")
for epoch in range(2):
    step = 0
    for data in test_loader:
        imgs, targets = data
        if step == 0:
            print(f"epoch {epoch}, first targets:", targets[:10].tolist())
        writer.add_images("Epoch: {}".format(epoch), imgs, step)
        step = step + 1
        if step == 3:
            break
writer.close()
# --8<-- [end:epochs]
