# --8<-- [start:ex1]
from torch import nn
from torchvision.models import VGG16_Weights, resnet18

resnet = resnet18(weights=None)
print(resnet.fc)
resnet.fc = nn.Linear(512, 10)
print(resnet.fc)
# --8<-- [end:ex1]

# --8<-- [start:ex2]
old_last = nn.Linear(4096, 1000)
new_last = nn.Linear(4096, 10)
old_count = sum(p.numel() for p in old_last.parameters())
new_count = sum(p.numel() for p in new_last.parameters())
print(old_count, new_count, old_count / new_count)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
categories = VGG16_Weights.DEFAULT.meta["categories"]
print(len(categories))
print(categories[:3])
# --8<-- [end:ex3]
