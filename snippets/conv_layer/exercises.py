# --8<-- [start:ex1]
import torch
from torch import nn

conv = nn.Conv2d(in_channels=3, out_channels=16, kernel_size=5, padding=2)
images = torch.zeros((8, 3, 32, 32))
print(conv.weight.shape)
print(conv(images).shape)
# --8<-- [end:ex1]

# --8<-- [start:ex2]
conv = nn.Conv2d(in_channels=3, out_channels=6, kernel_size=3, stride=2)
images = torch.zeros((64, 3, 32, 32))
print(conv(images).shape)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
conv = nn.Conv2d(in_channels=3, out_channels=6, kernel_size=3)
output = conv(torch.zeros((64, 3, 32, 32)))
print(output.numel(), output.numel() / (3 * 32 * 32))

output = torch.reshape(output, (-1, 3, 30, 30))
print(output.shape)
# --8<-- [end:ex3]
