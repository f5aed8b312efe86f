# --8<-- [start:device]
import time

import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

from model import Tudui  # model.py, next to this file

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device)
# --8<-- [end:device]

# --8<-- [start:data]
to_tensor = torchvision.transforms.ToTensor()
train_data = torchvision.datasets.CIFAR10("./dataset", train=True,
                                          transform=to_tensor, download=True)
train_dataloader = DataLoader(train_data, batch_size=64)
# --8<-- [end:data]

# --8<-- [start:model]
torch.manual_seed(0)
tudui = Tudui()
tudui.to(device)

loss_fn = nn.CrossEntropyLoss()
loss_fn.to(device)

learning_rate = 1e-2
optimizer = torch.optim.SGD(tudui.parameters(), lr=learning_rate)
# --8<-- [end:model]

# --8<-- [start:train]
total_train_step = 0
tudui.train()
start_time = time.time()
for imgs, targets in train_dataloader:
    imgs = imgs.to(device)
    targets = targets.to(device)
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
end_time = time.time()
# --8<-- [end:train]

# --8<-- [start:time]
print(f"{total_train_step} steps on {device}: {end_time - start_time:.2f} s")
# --8<-- [end:time]
