# --8<-- [start:model]
import torchvision
from torch import nn
from torch.nn import ReLU, Sigmoid
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter


to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10("./dataset", train=False,
                                       transform=to_tensor, download=True)
dataloader = DataLoader(dataset, batch_size=64)


class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.relu1 = ReLU()
        self.sigmoid1 = Sigmoid()

    def forward(self, input):
        output = self.sigmoid1(input)
        return output


tudui = Tudui()
# --8<-- [end:model]

# --8<-- [start:tensorboard]
writer = SummaryWriter("logs")
step = 0
for data in dataloader:
    imgs, targets = data
    output = tudui(imgs)
    writer.add_images("sigmoid1/input", imgs, step)
    writer.add_images("sigmoid1/output", output, step)
    step = step + 1
    if step == 3:
        break

writer.close()
print("steps written:", step)
# --8<-- [end:tensorboard]

# --8<-- [start:range]
print(f"input:  {imgs.min():.4f} ~ {imgs.max():.4f}")
print(f"output: {output.min():.4f} ~ {output.max():.4f}")
# --8<-- [end:range]
