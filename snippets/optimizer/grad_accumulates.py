# --8<-- [start:accumulate]
import torch
from torch import nn

from model import Tudui  # model.py, next to this file

torch.manual_seed(0)
tudui = Tudui()
loss = nn.CrossEntropyLoss()
imgs, targets = torch.rand(4, 3, 32, 32), torch.tensor([0, 1, 2, 3])
weight = tudui.model1[0].weight

loss(tudui(imgs), targets).backward()
once = weight.grad.clone()

loss(tudui(imgs), targets).backward()
loss(tudui(imgs), targets).backward()
print(torch.allclose(weight.grad, 3 * once))
# --8<-- [end:accumulate]
