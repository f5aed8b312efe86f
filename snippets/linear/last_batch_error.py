# expected-error: RuntimeError
# --8<-- [start:subset]
import torch
import torchvision
from torch import nn
from torch.nn import Linear
from torch.utils.data import DataLoader, Subset


dataset = torchvision.datasets.CIFAR10(
    "./dataset", train=False, download=True,
    transform=torchvision.transforms.ToTensor(),
)
print(len(DataLoader(dataset, batch_size=64)))

last_80 = Subset(dataset, range(9920, 10000))
dataloader = DataLoader(last_80, batch_size=64)
print(len(last_80), len(dataloader))
# --8<-- [end:subset]


# --8<-- [start:model]
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = Linear(196608, 10)

    def forward(self, input):
        output = self.linear1(input)
        return output


tudui = Tudui()
# --8<-- [end:model]

# --8<-- [start:fails]
for data in dataloader:
    imgs, targets = data
    print(imgs.shape)
    output = torch.flatten(imgs)
    print(output.shape)
    output = tudui(output)
    print(output.shape)
# --8<-- [end:fails]
