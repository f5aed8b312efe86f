# --8<-- [start:outside]
import torch
import torchvision
from torch import nn

vgg16 = torchvision.models.vgg16(weights=None)
vgg16.add_module("add_linear", nn.Linear(1000, 10))
print(list(vgg16.named_children())[-1])

output = vgg16(torch.ones(1, 3, 224, 224))
print(output.shape)
# --8<-- [end:outside]
