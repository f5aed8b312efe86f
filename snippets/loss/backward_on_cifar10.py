# --8<-- [start:setup]
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader


class Tudui(nn.Module):  # the CIFAR-10 model of chapter 14
    def __init__(self):
        super().__init__()
        self.model1 = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1024, 64),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.model1(x)


torch.manual_seed(0)
to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10("./dataset", train=False, transform=to_tensor, download=True)
dataloader = DataLoader(dataset, batch_size=1)

tudui = Tudui()
loss = nn.CrossEntropyLoss()
# --8<-- [end:setup]

# --8<-- [start:forward]
imgs, targets = next(iter(dataloader))
outputs = tudui(imgs)
print(outputs)
print(targets)
result_loss = loss(outputs, targets)
print(result_loss)
# --8<-- [end:forward]

# --8<-- [start:backward]
conv1 = tudui.model1[0]
print(conv1.weight.grad)

result_loss.backward()
print(conv1.weight.grad.shape)
print(conv1.weight.grad[0, 0])
# --8<-- [end:backward]
