# --8<-- [start:ex1]
import torch
from torch import nn

inputs = torch.tensor([2, 4, 6], dtype=torch.float32)
targets = torch.tensor([1, 4, 9], dtype=torch.float32)
print(nn.L1Loss()(inputs, targets))
print(nn.MSELoss()(inputs, targets))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
scores = torch.tensor([[0.0, 0.0, 0.0]])
target = torch.tensor([2])
print(nn.CrossEntropyLoss()(scores, target))
print(torch.log(torch.tensor(3.0)))
# --8<-- [end:ex2]

# --8<-- [start:ex3]
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (3 * x).sum()
y.backward()
print(x.grad)
# --8<-- [end:ex3]
