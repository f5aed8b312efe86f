# --8<-- [start:shapes]
import torch

from torch import nn

from cifar10_model import Tudui  # cifar10_model.py, next to this file

tudui = Tudui()
x = torch.ones((64, 3, 32, 32))

print("input".ljust(13), list(x.shape))
for index, layer in enumerate(tudui.model1):
    x = layer(x)
    print(f"{index} {type(layer).__name__}".ljust(13), list(x.shape))
# --8<-- [end:shapes]

# --8<-- [start:parameters]
for name, param in tudui.named_parameters():
    print(name.ljust(16), str(list(param.shape)).ljust(16), param.numel())

total = sum(param.numel() for param in tudui.parameters())
print("total:", total)
# --8<-- [end:parameters]
