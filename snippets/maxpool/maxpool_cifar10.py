# --8<-- [start:data]
import torchvision
from torch import nn
from torch.nn import MaxPool2d
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter


to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10("./dataset", train=False,
                                       transform=to_tensor, download=True)
dataloader = DataLoader(dataset, batch_size=64)


class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.maxpool1 = MaxPool2d(kernel_size=3, ceil_mode=True)

    def forward(self, input):
        output = self.maxpool1(input)
        return output


tudui = Tudui()
# --8<-- [end:data]

# --8<-- [start:shapes]
for data in dataloader:
    imgs, targets = data
    print(imgs.shape)
    print(tudui(imgs).shape)
    print(MaxPool2d(kernel_size=3, ceil_mode=False)(imgs).shape)
    break
# --8<-- [end:shapes]

# --8<-- [start:tensorboard]
writer = SummaryWriter("logs")
step = 0
for data in dataloader:
    imgs, targets = data
    output = tudui(imgs)
    writer.add_images("maxpool1/input", imgs, step)
    writer.add_images("maxpool1/output", output, step)
    step = step + 1
    if step == 3:
        break

writer.close()
print("steps written:", step)
# --8<-- [end:tensorboard]
