# --8<-- [start:data]
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

from model import Tudui  # model.py, next to this file

to_tensor = torchvision.transforms.ToTensor()
train_data = torchvision.datasets.CIFAR10("./dataset", train=True,
                                          transform=to_tensor, download=True)
train_dataloader = DataLoader(train_data, batch_size=64)
# --8<-- [end:data]

# --8<-- [start:model]
torch.manual_seed(0)
tudui = Tudui()
if torch.cuda.is_available():
    tudui = tudui.cuda()

loss_fn = nn.CrossEntropyLoss()
if torch.cuda.is_available():
    loss_fn = loss_fn.cuda()

learning_rate = 1e-2
optimizer = torch.optim.SGD(tudui.parameters(), lr=learning_rate)
# --8<-- [end:model]

# --8<-- [start:train]
total_train_step = 0
tudui.train()
for imgs, targets in train_dataloader:
    if torch.cuda.is_available():
        imgs = imgs.cuda()
        targets = targets.cuda()
    outputs = tudui(imgs)
    loss = loss_fn(outputs, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    total_train_step = total_train_step + 1
    if total_train_step % 3 == 0:
        print(f"step {total_train_step}, loss {loss.item():.4f}")
    if total_train_step == 6:  # stop early (delete these two lines)
        break
# --8<-- [end:train]
