# --8<-- [start:ex1]
import torch
from torch import nn

input = torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4)
print(input)
print(nn.MaxPool2d(kernel_size=2)(input))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
images = torch.zeros((64, 3, 32, 32))
print(nn.MaxPool2d(kernel_size=3, stride=2)(images).shape)
print(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)(images).shape)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
images = torch.zeros((64, 3, 32, 32))
print(nn.Conv2d(3, 3, kernel_size=2)(images).shape)
print(nn.MaxPool2d(kernel_size=2)(images).shape)
# --8<-- [end:ex3]
