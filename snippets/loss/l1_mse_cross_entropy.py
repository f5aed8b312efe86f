# --8<-- [start:l1]
import torch
from torch import nn

inputs = torch.tensor([1, 2, 3], dtype=torch.float32)
targets = torch.tensor([1, 2, 5], dtype=torch.float32)

inputs = torch.reshape(inputs, (1, 1, 1, 3))
targets = torch.reshape(targets, (1, 1, 1, 3))

loss = nn.L1Loss()
print(loss(inputs, targets))

loss_sum = nn.L1Loss(reduction="sum")
print(loss_sum(inputs, targets))
# --8<-- [end:l1]

# --8<-- [start:mse]
loss_mse = nn.MSELoss()
print(loss_mse(inputs, targets))
# --8<-- [end:mse]

# --8<-- [start:cross-entropy]
x = torch.tensor([0.1, 0.2, 0.3])
y = torch.tensor([1])
x = torch.reshape(x, (1, 3))

loss_cross = nn.CrossEntropyLoss()
print(loss_cross(x, y))
# --8<-- [end:cross-entropy]

# --8<-- [start:by-hand]
print(-x[0, 1] + torch.log(torch.exp(x).sum()))
# --8<-- [end:by-hand]
