# --8<-- [start:data]
import torch
import torchvision
from torch import nn
from torch.nn import Conv2d
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter


to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10("./dataset", train=False,
                                       transform=to_tensor, download=True)
dataloader = DataLoader(dataset, batch_size=64)
# --8<-- [end:data]


# --8<-- [start:model]
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=3,
                            stride=1, padding=0)

    def forward(self, x):
        x = self.conv1(x)
        return x


torch.manual_seed(0)
tudui = Tudui()
print(tudui)
# --8<-- [end:model]

# --8<-- [start:weight]
print(tudui.conv1.weight.shape)
print(tudui.conv1.bias.shape)
# --8<-- [end:weight]

# --8<-- [start:one-batch]
for data in dataloader:
    imgs, targets = data
    output = tudui(imgs)
    print(imgs.shape)
    print(output.shape)
    break
# --8<-- [end:one-batch]

# --8<-- [start:reshape]
output = torch.reshape(output, (-1, 3, 30, 30))  # (1)!
print(output.shape)
# --8<-- [end:reshape]

# --8<-- [start:tensorboard]
writer = SummaryWriter("logs")
step = 0
for data in dataloader:
    imgs, targets = data
    output = tudui(imgs)
    writer.add_images("conv1/input", imgs, step)
    output = torch.reshape(output, (-1, 3, 30, 30))
    writer.add_images("conv1/output", output, step)
    step = step + 1
    if step == 3:
        break

writer.close()
print("steps written:", step)
# --8<-- [end:tensorboard]
