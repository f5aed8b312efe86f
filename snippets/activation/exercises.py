# --8<-- [start:ex1]
import torch
from torch import nn

x = torch.tensor([-1.0, 0.0, 1.0])
print(nn.ReLU()(x))
print(nn.Sigmoid()(x))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
x = torch.tensor([-2.0, 5.0])
y = nn.ReLU(inplace=True)(x)
print(x)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
torch.manual_seed(0)
image = torch.rand((3, 32, 32))
print(image.min() >= 0, image.max() <= 1)
print(torch.equal(nn.ReLU()(image), image))
# --8<-- [end:ex3]
