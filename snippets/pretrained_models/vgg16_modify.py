# --8<-- [start:build]
import torch
import torchvision
from torch import nn

vgg16 = torchvision.models.vgg16(weights=None)
print(vgg16)
# --8<-- [end:build]

# --8<-- [start:add-module]
vgg16.classifier.add_module("add_linear", nn.Linear(1000, 10))
print(vgg16.classifier)
# --8<-- [end:add-module]

# --8<-- [start:add-module-forward]
output = vgg16(torch.ones(1, 3, 224, 224))
print(output.shape)
# --8<-- [end:add-module-forward]

# --8<-- [start:replace]
vgg16_false = torchvision.models.vgg16(weights=None)
vgg16_false.classifier[6] = nn.Linear(4096, 10)
print(vgg16_false.classifier)
# --8<-- [end:replace]

# --8<-- [start:replace-forward]
output = vgg16_false(torch.ones(1, 3, 224, 224))
print(output.shape)
# --8<-- [end:replace-forward]
