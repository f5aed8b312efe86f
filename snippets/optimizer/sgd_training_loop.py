# --8<-- [start:setup]
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader, Subset
from torch.utils.tensorboard import SummaryWriter

from model import Tudui  # model.py, next to this file

torch.manual_seed(0)
to_tensor = torchvision.transforms.ToTensor()
dataset = torchvision.datasets.CIFAR10("./dataset", train=False, transform=to_tensor, download=True)
dataset = Subset(dataset, range(500))
dataloader = DataLoader(dataset, batch_size=1)

tudui = Tudui()
loss = nn.CrossEntropyLoss()
optim = torch.optim.SGD(tudui.parameters(), lr=0.01)
# --8<-- [end:setup]

# --8<-- [start:loop]
writer = SummaryWriter("logs")
for epoch in range(3):
    running_loss = 0.0
    for imgs, targets in dataloader:
        outputs = tudui(imgs)
        result_loss = loss(outputs, targets)
        optim.zero_grad()  # (1)!
        result_loss.backward()
        optim.step()
        running_loss = running_loss + result_loss.item()
    print(f"epoch {epoch}: summed loss {running_loss:.4f}")
    writer.add_scalar("running_loss", running_loss, epoch)
writer.close()
# --8<-- [end:loop]
