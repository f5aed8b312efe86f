# --8<-- [start:training]
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader, Subset

from model import Tudui  # model.py, next to this file

to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10("./dataset", train=False, transform=to_tensor, download=True)
dataloader = DataLoader(Subset(dataset, range(100)), batch_size=1)

torch.manual_seed(0)
tudui = Tudui()
loss = nn.CrossEntropyLoss()
optim = torch.optim.SGD(tudui.parameters(), lr=0.01)
for epoch in range(2):
    running_loss = 0.0
    for imgs, targets in dataloader:
        result_loss = loss(tudui(imgs), targets)
        result_loss.backward()
        optim.step()
        running_loss = running_loss + result_loss.item()
    print(f"epoch {epoch}: summed loss {running_loss:.4f}")
# --8<-- [end:training]
