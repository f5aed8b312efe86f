# --8<-- [start:none]
import torch
from torch import nn

from model import Tudui  # model.py, next to this file

torch.manual_seed(0)
tudui = Tudui()
loss = nn.CrossEntropyLoss()
optim = torch.optim.SGD(tudui.parameters(), lr=0.01)
imgs, targets = torch.rand(4, 3, 32, 32), torch.tensor([0, 1, 2, 3])
weight = tudui.model1[0].weight

loss(tudui(imgs), targets).backward()
print(weight.grad.shape)
optim.zero_grad()
print(weight.grad)
# --8<-- [end:none]

# --8<-- [start:zeros]
loss(tudui(imgs), targets).backward()
optim.zero_grad(set_to_none=False)
print(weight.grad.shape)
print(weight.grad[0, 0])
# --8<-- [end:zeros]
