# --8<-- [start:ex1]
import torch
from torch import nn

imgs = torch.ones((2, 3))
imgs.to("meta")
print(imgs.device)
imgs = imgs.to("meta")
print(imgs.device)
# --8<-- [end:ex1]

# --8<-- [start:ex2]
model = nn.Linear(3, 2)
model.to("meta")
print(model.weight.device)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
wrapped = nn.DataParallel(nn.Linear(3, 2))
print(list(wrapped.state_dict().keys()))
print(list(wrapped.module.state_dict().keys()))
# --8<-- [end:ex3]
