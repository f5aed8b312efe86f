"""The course's CIFAR-10 model ("CIFAR10 quick"), written with nn.Sequential.

Later chapters write the same class into their own programs, as the course does; the training
chapter keeps it in a file of its own, snippets/training/model.py.
"""

# --8<-- [start:imports]
import torch
from torch import nn
from torch.nn import Conv2d, Flatten, Linear, MaxPool2d, Sequential
# --8<-- [end:imports]


# --8<-- [start:model]
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.model1 = Sequential(
            Conv2d(3, 32, 5, padding=2),
            MaxPool2d(2),
            Conv2d(32, 32, 5, padding=2),
            MaxPool2d(2),
            Conv2d(32, 64, 5, padding=2),
            MaxPool2d(2),
            Flatten(),
            Linear(1024, 64),
            Linear(64, 10),
        )

    def forward(self, x):
        x = self.model1(x)
        return x
# --8<-- [end:model]


# --8<-- [start:check]
if __name__ == "__main__":
    tudui = Tudui()
    print(tudui)

    input = torch.ones((64, 3, 32, 32))
    output = tudui(input)
    print(output.shape)
# --8<-- [end:check]
