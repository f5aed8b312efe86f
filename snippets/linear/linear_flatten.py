# --8<-- [start:data]
import torch
import torchvision
from torch import nn
from torch.nn import Linear
from torch.utils.data import DataLoader


dataset = torchvision.datasets.CIFAR10(
    "./dataset", train=False, download=True,
    transform=torchvision.transforms.ToTensor(),
)
dataloader = DataLoader(dataset, batch_size=64, drop_last=True)
print(len(dataset), len(dataloader))
# --8<-- [end:data]


# --8<-- [start:model]
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = Linear(196608, 10)

    def forward(self, input):
        output = self.linear1(input)
        return output


tudui = Tudui()
print(tudui)
print(tudui.linear1.weight.shape)
print(tudui.linear1.bias.shape)
# --8<-- [end:model]

# --8<-- [start:flatten]
for data in dataloader:
    imgs, targets = data
    print(imgs.shape)
    output = torch.flatten(imgs)
    print(output.shape)
    output = tudui(output)
    print(output.shape)
    break
# --8<-- [end:flatten]

# --8<-- [start:reshape]
output = torch.reshape(imgs, (1, 1, 1, -1))
print(output.shape)
output = tudui(output)
print(output.shape)
# --8<-- [end:reshape]

# --8<-- [start:per-image]
flatten = nn.Flatten()
print(torch.flatten(imgs, start_dim=1).shape)
print(flatten(imgs).shape)

linear = Linear(3072, 10)
print(linear(flatten(imgs)).shape)
# --8<-- [end:per-image]
