# --8<-- [start:model]
import torch
from torch import nn


# The CIFAR-10 model of chapter 14, in a file of its own, as the course does:
# train.py next to it imports the class with `from model import Tudui`.
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.model1 = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1024, 64),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.model1(x)


# Runs only with `python model.py`, not when train.py imports the file.
if __name__ == "__main__":
    tudui = Tudui()
    input = torch.ones((64, 3, 32, 32))
    output = tudui(input)
    print(output.shape)
# --8<-- [end:model]
