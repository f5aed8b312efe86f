# --8<-- [start:ex1]
import torch
from torch import nn

linear = nn.Linear(3072, 10)
print(linear.weight.shape, linear.bias.shape)
print(linear(torch.ones((16, 3072))).shape)
# --8<-- [end:ex1]

# --8<-- [start:ex2]
imgs = torch.ones((64, 3, 32, 32))
print(torch.flatten(imgs).shape)
print(torch.flatten(imgs, start_dim=1).shape)
print(nn.Flatten()(imgs).shape)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(p=0.5))
x = torch.ones((1, 4))

model.eval()
print(model.training, torch.equal(model(x), model(x)))
# --8<-- [end:ex3]
