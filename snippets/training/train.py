# --8<-- [start:data]
import glob

import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

from model import Tudui  # model.py, next to this file

to_tensor = torchvision.transforms.ToTensor()
train_data = torchvision.datasets.CIFAR10("./dataset", train=True,
                                          transform=to_tensor, download=True)
test_data = torchvision.datasets.CIFAR10("./dataset", train=False,
                                         transform=to_tensor, download=True)
train_data_size = len(train_data)
test_data_size = len(test_data)
print(f"training set: {train_data_size} images")
print(f"test set: {test_data_size} images")

train_dataloader = DataLoader(train_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)
print(f"steps per epoch: {len(train_dataloader)}")
# --8<-- [end:data]

# --8<-- [start:model]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"device: {device}")

torch.manual_seed(0)
tudui = Tudui().to(device)
loss_fn = nn.CrossEntropyLoss().to(device)
learning_rate = 1e-2
optimizer = torch.optim.SGD(tudui.parameters(), lr=learning_rate)
# --8<-- [end:model]

# --8<-- [start:loop]
epoch = 3  # the course trains 10 epochs (later 30)
total_train_step = 0
writer = SummaryWriter("logs")

for i in range(epoch):
    tudui.train()
    train_loss = 0.0
    for imgs, targets in train_dataloader:
        imgs, targets = imgs.to(device), targets.to(device)
        outputs = tudui(imgs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        train_loss += loss.item()
        total_train_step += 1
        if total_train_step % 100 == 0:
            writer.add_scalar("train_loss", loss.item(), total_train_step)

    tudui.eval()
    total_test_loss = 0.0
    total_accuracy = 0
    with torch.no_grad():
        for imgs, targets in test_dataloader:
            imgs, targets = imgs.to(device), targets.to(device)
            outputs = tudui(imgs)
            total_test_loss += loss_fn(outputs, targets).item()
            total_accuracy += (outputs.argmax(1) == targets).sum().item()
    test_accuracy = total_accuracy / test_data_size

    print(f"epoch {i + 1}: train loss {train_loss / len(train_dataloader):.4f}  "
          f"test loss {total_test_loss:.4f}  test accuracy {test_accuracy:.4f}")
    writer.add_scalar("test_loss", total_test_loss, i + 1)
    writer.add_scalar("test_accuracy", test_accuracy, i + 1)
    torch.save(tudui.state_dict(), f"tudui_{i}.pth")

writer.close()
print(sorted(glob.glob("tudui_*.pth")))
# --8<-- [end:loop]
